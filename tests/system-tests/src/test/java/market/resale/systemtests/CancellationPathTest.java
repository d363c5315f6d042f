package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import market.resale.credits.CreditsApplication;
import market.resale.orders.OrdersApplication;
import market.resale.shipping.ShippingApplication;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cancellation path end to end, on a real broker and the real Apicurio Registry: an upstream
 * app publishes an order, a buyer looks at it and confirms, the order is cancelled and the refund
 * lands on the buyer's store-credit balance. orders-service runs as two instances sharing the
 * partitions; every question is asked of both.
 */
class CancellationPathTest {

    private static ServiceProcess orders1;
    private static ServiceProcess orders2;
    private static ServiceProcess credits;
    private static ServiceProcess shipping;
    private static KafkaProducer<String, SpecificRecord> upstream;

    @BeforeAll
    static void startTheSystem() {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        orders1 = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-1", kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
        orders2 = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-2", kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
        credits = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits", kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
        shipping = ServiceProcess.start(ShippingApplication.class, "shipping-service", "shipping", kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> orders1.ready() && orders2.ready() && credits.ready() && shipping.ready());

        upstream = Upstream.producer(kafka.bootstrapServers(), registry.ccompatUrl());
    }

    @AfterAll
    static void stopTheSystem() {
        for (var closeable : new AutoCloseable[] {upstream, shipping, credits, orders2, orders1}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    private static String placeOrder(String buyerId) throws Exception {
        var orderId = "o-" + UUID.randomUUID();
        var order = OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(buyerId).setSellerId("seller-" + buyerId)
                .setListingId("l-" + orderId).setTitle("Linen shirt").setSize("L").setCondition(ItemCondition.GOOD)
                .setPriceCents(2_000).setShippingCents(500).setTaxCents(160).setCreditsAppliedCents(300)
                .setCurrency("USD").setPlacedAt(Instant.now()).build();
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order)).get();
        return orderId;
    }

    @Test
    void anOrderPlacedUpstreamIsCancelledByItsBuyerAndTheRefundBecomesStoreCredit() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders1.token(buyer, "BUYER");
        var orderId = placeOrder(buyer);

        var path = "/orders/" + orderId + "/cancellation-eligibility";
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get(path, token).status() == 200);
        var eligibility = orders1.get(path, token).body();
        assertThat(eligibility.get("allowed").asBoolean()).isTrue();
        assertThat(eligibility.at("/conditions/refund/amountCents").asLong()).isEqualTo(2_960);
        assertThat(eligibility.at("/conditions/refundMethod").asString()).isEqualTo("STORE_CREDIT");
        assertThat(orders2.get(path, token).body()).isEqualTo(eligibility);

        var confirmation = orders2.post("/orders/" + orderId + "/cancellations", token,
                "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":" + eligibility.get("version").asLong() + "}", Map.of());
        assertThat(confirmation.status()).isEqualTo(200);
        assertThat(confirmation.body().get("status").asString()).isEqualTo("CANCELLED");
        assertThat(confirmation.body().at("/refund/amountCents").asLong()).isEqualTo(2_960);

        var buyerCredit = credits.token(buyer, "BUYER");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(credits.get("/accounts/" + buyer, buyerCredit).body().at("/balances/0/amountCents").asLong())
                        .isEqualTo(2_960));
        var ledger = credits.get("/accounts/" + buyer + "/ledger", buyerCredit).body().get("entries");
        assertThat(ledger).hasSize(1);
        assertThat(ledger.get(0).get("orderId").asString()).isEqualTo(orderId);

        // The credit reaches the order's timeline (refund ISSUED_AS_STORE_CREDIT) right after the ledger; then both
        // instances answer the same.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(orders1.get("/orders/" + orderId, token).body().at("/refund/status").asString())
                        .isEqualTo("ISSUED_AS_STORE_CREDIT"));
        var order1 = orders1.get("/orders/" + orderId, token);
        assertThat(order1.body().get("status").asString()).isEqualTo("CANCELLED");
        assertThat(orders2.get("/orders/" + orderId, token).body()).isEqualTo(order1.body());
    }

    /** Issue 19, point 4: an order that cost nothing is cancelled, and its refund completes with nothing moved. */
    @Test
    void anOrderThatCostNothingIsCancelledAndItsRefundCompletesWithNothingToRefund() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders1.token(buyer, "BUYER");
        var orderId = "o-" + UUID.randomUUID();
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, OrderPlaced.newBuilder().setOrderId(orderId)
                .setBuyerId(buyer).setSellerId("seller-" + buyer).setListingId("l-free").setTitle("Free scarf").setSize("OS")
                .setCondition(ItemCondition.GOOD).setPriceCents(0).setShippingCents(0).setTaxCents(0).setCreditsAppliedCents(0)
                .setCurrency("USD").setPlacedAt(Instant.now()).build())).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get("/orders/" + orderId, token).status() == 200);
        var version = orders1.get("/orders/" + orderId, token).body().get("version").asLong();

        var confirmation = orders1.post("/orders/" + orderId + "/cancellations", token,
                "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":" + version + "}", Map.of());
        assertThat(confirmation.status()).isEqualTo(200);
        assertThat(confirmation.body().at("/refund/amountCents").asLong()).isZero();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var order = orders1.get("/orders/" + orderId, token).body();
            assertThat(order.at("/refund/status").asString()).isEqualTo("NOTHING_TO_REFUND");
            assertThat(order.get("timeline").valueStream().map(t -> t.get("event").asString() + ":" + t.path("detail").asString("")))
                    .contains("CREDIT_ISSUED:nothing to refund");
        });
        var buyerCredit = credits.token(buyer, "BUYER");
        var ledger = credits.get("/accounts/" + buyer + "/ledger", buyerCredit);
        assertThat(ledger.status()).isEqualTo(200);
        assertThat(ledger.body().get("entries")).as("no ledger line for nothing").isEmpty();
    }

    @Test
    void nobodyElseSeesOrCancelsTheOrderOrTheBalance() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var orderId = placeOrder(buyer);
        var owner = orders1.token(buyer, "BUYER");
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get("/orders/" + orderId, owner).status() == 200);

        var stranger = orders1.token("someone-else", "BUYER");
        var otherSeller = orders1.token("another-seller", "SELLER");
        for (var instance : List.of(orders1, orders2)) {
            var seen = instance.get("/orders/" + orderId, stranger);
            assertThat(seen.status()).isEqualTo(404);
            assertThat(seen.contentType()).startsWith("application/problem+json");
            assertThat(instance.post("/orders/" + orderId + "/cancellations", stranger, "{\"reason\":\"OTHER\",\"expectedVersion\":1}", Map.of())
                    .status()).isEqualTo(404);
            assertThat(instance.post("/orders/" + orderId + "/cancellations", otherSeller, "{\"reason\":\"OTHER\",\"expectedVersion\":1}", Map.of())
                    .status()).isEqualTo(404);
            assertThat(instance.get("/orders/" + orderId, null).status()).isEqualTo(401);
        }
        assertThat(credits.get("/accounts/" + buyer, credits.token("someone-else", "BUYER")).status()).isEqualTo(404);

        var cashOut = credits.post("/accounts/" + buyer + "/cash-outs", credits.token(buyer, "BUYER"), "{}", Map.of());
        assertThat(cashOut.status()).isEqualTo(422);
        assertThat(cashOut.body().get("code").asString()).isEqualTo("cash-out-not-supported");
    }

    @Test
    void bothInstancesGiveTheSameAnswersForOrdersOnEitherInstance() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders1.token(buyer, "BUYER");
        var orderIds = new ArrayList<String>();
        for (int i = 0; i < 12; i++) {
            orderIds.add(placeOrder(buyer));
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                orders1.get("/purchases?size=100", token).body().get("items").size() == 12);

        for (var orderId : orderIds) {
            var one = orders1.get("/orders/" + orderId, token);
            var two = orders2.get("/orders/" + orderId, token);
            assertThat(one.status()).isEqualTo(200);
            assertThat(two.body()).isEqualTo(one.body());
        }
        assertThat(orders2.get("/purchases?size=5&page=1", token).body())
                .isEqualTo(orders1.get("/purchases?size=5&page=1", token).body());

        // Confirm half the cancellations on each instance: each gets its decision, whoever owns the order.
        for (int i = 0; i < orderIds.size(); i++) {
            var instance = i % 2 == 0 ? orders1 : orders2;
            var answer = instance.post("/orders/" + orderIds.get(i) + "/cancellations", token, "{\"reason\":\"ORDERED_BY_MISTAKE\",\"expectedVersion\":1}", Map.of());
            assertThat(answer.status()).as("cancel %s on %s", orderIds.get(i), instance).isEqualTo(200);
        }
        var again = orders2.post("/orders/" + orderIds.get(0) + "/cancellations", token, "{\"reason\":\"OTHER\",\"expectedVersion\":1}", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("code").asString()).isEqualTo("already-cancelled");
        // Purchases are indexed by buyer through a repartition topic: they follow shortly after the decision.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(orders1.get("/purchases?status=CANCELLED&size=100", token).body().get("items")).hasSize(12));
        assertThat(orders2.get("/purchases?status=CANCELLED&size=100", token).body())
                .isEqualTo(orders1.get("/purchases?status=CANCELLED&size=100", token).body());
    }

    /**
     * Issue 19, points 2, 3 and 11 through the public API: the seller cancels with a seller's reason and a note (a
     * buyer's reason is refused, naming the seller's), the note is on the order's timeline, and the seller finds the
     * cancellation by its actor in the cancellation search, asked of either instance.
     */
    @Test
    void aSellersCancellationCarriesItsNoteAndIsFoundInTheSellersCancellationSearch() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var buyerToken = orders1.token(buyer, "BUYER");
        var sellerToken = orders1.token("seller-" + buyer, "SELLER");
        var byBuyer = placeOrder(buyer);
        var bySeller = placeOrder(buyer);
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get("/orders/" + bySeller, sellerToken).status() == 200
                && orders1.get("/orders/" + byBuyer, buyerToken).status() == 200);

        var wrongReason = orders2.post("/orders/" + bySeller + "/cancellations", sellerToken,
                "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}", Map.of());
        assertThat(wrongReason.status()).isEqualTo(422);
        assertThat(wrongReason.body().get("code").asString()).isEqualTo("reason-not-allowed");
        assertThat(wrongReason.body().get("allowedReasons").toString()).contains("ITEM_UNAVAILABLE");
        assertThat(orders2.post("/orders/" + bySeller + "/cancellations", sellerToken,
                "{\"reason\":\"ITEM_UNAVAILABLE\",\"note\":\"Sold in my shop this morning, sorry.\",\"expectedVersion\":1}",
                Map.of()).status()).isEqualTo(200);
        assertThat(orders1.post("/orders/" + byBuyer + "/cancellations", buyerToken,
                "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}", Map.of()).status()).isEqualTo(200);
        assertThat(orders1.get("/orders/" + bySeller, buyerToken).body().get("timeline").toString())
                .contains("SELLER ITEM_UNAVAILABLE: \\\"Sold in my shop this morning, sorry.\\\"");

        for (var instance : List.of(orders1, orders2)) {
            var all = await().atMost(Duration.ofSeconds(30)).until(() -> instance.get("/cancellations", sellerToken),
                    r -> r.status() == 200 && r.body().get("items").size() == 2);
            assertThat(all.body().at("/items/0/orderId").asString()).isIn(byBuyer, bySeller);
            var theirs = instance.get("/cancellations?actor=SELLER", sellerToken).body().get("items");
            assertThat(theirs).hasSize(1);
            assertThat(theirs.get(0).get("orderId").asString()).isEqualTo(bySeller);
            assertThat(theirs.get(0).get("sellerCaused").asBoolean()).isTrue();
            assertThat(instance.get("/cancellations?reason=CHANGED_MIND", sellerToken).body().at("/items/0/sellerCaused").asBoolean())
                    .isFalse();
        }
    }

    @Test
    void aCarrierScanShipsTheOrderAndAConfirmationOfWhatWasShownBeforeIsRefusedNamingTheParcel() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders1.token(buyer, "BUYER");
        var orderId = placeOrder(buyer);
        var eligibilityPath = "/orders/" + orderId + "/cancellation-eligibility";
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get(eligibilityPath, token).status() == 200);
        var shown = orders1.get(eligibilityPath, token).body().get("version").asLong();

        var carrier = shipping.carrierToken("carrier-ups", "UPS");
        var scan = "{\"scanId\":\"s-" + orderId + "\",\"orderId\":\"" + orderId + "\",\"trackingNumber\":\"1Z-" + orderId
                + "\",\"carrier\":\"UPS\",\"scanType\":\"ACCEPTED\",\"scannedAt\":\"" + Instant.now() + "\"}";
        assertThat(shipping.post("/carrier/scans", carrier, scan, Map.of()).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "SHIPPED".equals(orders2.get("/orders/" + orderId, token).body().get("status").asString()));

        // Rule 7: a confirmation refers to what was shown; without it the buyer is told to look first, and nothing is sent.
        var unconfirmed = orders1.post("/orders/" + orderId + "/cancellations", token, "{\"reason\":\"CHANGED_MIND\"}", Map.of());
        assertThat(unconfirmed.status()).isEqualTo(428);
        assertThat(unconfirmed.contentType()).startsWith("application/problem+json");
        assertThat(unconfirmed.body().get("code").asString()).isEqualTo("confirmation-required");
        assertThat(unconfirmed.body().at("/fields/expectedVersion").isMissingNode()).isFalse();

        var refused = orders2.post("/orders/" + orderId + "/cancellations", token,
                "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":" + shown + "}", Map.of());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().get("code").asString()).isEqualTo("already-shipped");
        assertThat(refused.body().get("trackingNumber").asString()).isEqualTo("1Z-" + orderId);
        assertThat(shipping.get("/orders/" + orderId + "/shipment", token).body().get("trackingNumber").asString())
                .isEqualTo("1Z-" + orderId);
    }

    @Test
    void badInputIsAnsweredWithAProblemAndAStableCode() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders1.token(buyer, "BUYER");
        var orderId = placeOrder(buyer);
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get("/orders/" + orderId, token).status() == 200);
        var path = "/orders/" + orderId + "/cancellations";

        var malformed = orders1.post(path, token, "{\"reason\":", Map.of());
        var badEnum = orders1.post(path, token, "{\"reason\":\"BECAUSE\"}", Map.of());
        var missing = orders1.post(path, token, "{}", Map.of());
        var negative = credits.post("/accounts/" + buyer + "/redemptions", credits.token(buyer, "BUYER"),
                "{\"orderId\":\"x\",\"amountCents\":-5,\"currency\":\"USD\"}", Map.of("Idempotency-Key", "key-12345678"));

        assertThat(List.of(malformed, badEnum, missing, negative)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
        });
        assertThat(malformed.body().get("code").asString()).isEqualTo("malformed-request");
        assertThat(missing.body().get("code").asString()).isEqualTo("invalid-request");
        assertThat(badEnum.body().get("code").asString()).isEqualTo("invalid-request");
        assertThat(badEnum.body().at("/fields/reason").asString()).startsWith("must be one of ");
        assertThat(badEnum.body().at("/allowedValues/reason").isArray()).isTrue();
        assertThat(negative.body().get("code").asString()).isEqualTo("invalid-request");
        assertThat(orders1.get("/orders/" + orderId, token).body().get("status").asString()).isEqualTo("PLACED");
    }

    @Test
    void concurrentRedemptionsNeverTakeTheBalanceBelowZeroAndAKeyIsSpentOnce() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders1.token(buyer, "BUYER");
        var orderId = placeOrder(buyer);
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get("/orders/" + orderId, token).status() == 200);
        assertThat(orders1.post("/orders/" + orderId + "/cancellations", token, "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}", Map.of())
                .status()).isEqualTo(200);
        var creditToken = credits.token(buyer, "BUYER");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                credits.get("/accounts/" + buyer, creditToken).body().at("/balances/0/amountCents").asLong() == 2_960);

        // Ten different purchases of 1000 each race for 2960 of credit; three more requests repeat one of them, key and body.
        var requests = new ArrayList<java.util.concurrent.Callable<ServiceProcess.Response>>();
        for (int i = 0; i < 10; i++) {
            var key = "purchase-key-" + i;
            requests.add(() -> credits.post("/accounts/" + buyer + "/redemptions", creditToken,
                    "{\"orderId\":\"next-" + key + "\",\"amountCents\":1000,\"currency\":\"USD\"}", Map.of("Idempotency-Key", key)));
        }
        for (int i = 0; i < 3; i++) {
            requests.add(() -> credits.post("/accounts/" + buyer + "/redemptions", creditToken,
                    "{\"orderId\":\"next-purchase-key-0\",\"amountCents\":1000,\"currency\":\"USD\"}",
                    Map.of("Idempotency-Key", "purchase-key-0")));
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(requests.size());
        List<ServiceProcess.Response> answers;
        try {
            answers = new ArrayList<>();
            for (var future : pool.invokeAll(requests)) {
                answers.add(future.get());
            }
        } finally {
            pool.shutdownNow();
        }

        // On a loaded machine a request may not be decided within the wait and is answered 202 PENDING;
        // like any client, the test then asks for the decision.
        answers.replaceAll(a -> a.status() != 202 ? a : awaitRedemption(buyer, creditToken, a.body().get("requestId").asString()));
        var redeemedKeys = answers.stream().filter(a -> a.status() == 200).map(a -> a.body().get("requestId").asString())
                .distinct().toList();
        assertThat(redeemedKeys).hasSize(2);
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isIn(200, 409));
        assertThat(answers.stream().filter(a -> a.status() == 409))
                .allSatisfy(a -> assertThat(a.body().get("code").asString()).isEqualTo("insufficient-balance"));
        // The same answer each time, but for the trace id every request has of its own.
        var repeated = answers.subList(10, 13).stream().map(a -> {
            var body = a.body().deepCopy();
            if (body instanceof tools.jackson.databind.node.ObjectNode object) {
                object.remove("traceId");
            }
            return a.status() + body.toString();
        }).distinct().toList();
        assertThat(repeated).hasSize(1);
        assertThat(credits.get("/accounts/" + buyer, creditToken).body().at("/balances/0/amountCents").asLong()).isEqualTo(960);
        var ledger = credits.get("/accounts/" + buyer + "/ledger", creditToken).body().get("entries");
        assertThat(ledger).hasSize(3); // the credit and two redemptions

        // The same key with another body is another request: refused in every service, never given the first one's answer.
        var reusedRedemption = credits.post("/accounts/" + buyer + "/redemptions", creditToken,
                "{\"orderId\":\"next-0\",\"amountCents\":999,\"currency\":\"USD\"}", Map.of("Idempotency-Key", "purchase-key-0"));
        assertThat(reusedRedemption.status()).isEqualTo(422);
        assertThat(reusedRedemption.body().get("code").asString()).isEqualTo("idempotency-key-reused");
        var cancelKey = Map.of("Idempotency-Key", "cancel-again-1");
        assertThat(orders1.post("/orders/" + orderId + "/cancellations", token, "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}", cancelKey)
                .status()).as("already cancelled").isIn(202, 409);
        var reusedCancel = orders1.post("/orders/" + orderId + "/cancellations", token, "{\"reason\":\"ORDERED_BY_MISTAKE\",\"expectedVersion\":1}",
                cancelKey);
        assertThat(reusedCancel.status()).isEqualTo(422);
        assertThat(reusedCancel.body().get("code").asString()).isEqualTo("idempotency-key-reused");
    }

    private static ServiceProcess.Response awaitRedemption(String buyer, String token, String requestId) {
        var decided = new ServiceProcess.Response[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            decided[0] = credits.get("/accounts/" + buyer + "/redemptions/" + requestId, token);
            return decided[0].status() != 202 && decided[0].status() != 404;
        });
        return decided[0];
    }

    @Test
    void businessMetersCarryTheApplicationTag() throws Exception {
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var token = orders1.token(buyer, "BUYER");
        var orderId = placeOrder(buyer);
        await().atMost(Duration.ofSeconds(30)).until(() -> orders1.get("/orders/" + orderId, token).status() == 200);
        orders1.post("/orders/" + orderId + "/cancellations", token, "{\"reason\":\"FOUND_BETTER_PRICE\",\"expectedVersion\":1}", Map.of());

        // Counted once the decision's transaction committed (CommittedCounters), which the answer also waits for.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                orders1.getText("/actuator/prometheus") + orders2.getText("/actuator/prometheus")).containsPattern(
                "cancellations_total\\{(?=[^}]*actor=\"BUYER\")(?=[^}]*application=\"orders-service\")"
                        + "(?=[^}]*outcome=\"CANCELLED\")(?=[^}]*reason=\"FOUND_BETTER_PRICE\")[^}]*} 1\\.0"));
        assertThat(orders1.getText("/actuator/prometheus")).contains("kafka_streams_running{application=\"orders-service\"} 1.0");
    }
}
