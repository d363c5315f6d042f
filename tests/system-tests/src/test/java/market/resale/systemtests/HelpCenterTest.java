package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.StreamSupport;
import market.resale.credits.CreditsApplication;
import market.resale.messaging.MessagingApplication;
import market.resale.messaging.stream.NotificationFeed;
import market.resale.orders.OrdersApplication;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.ShippingApplication;
import market.resale.support.SupportApplication;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The rest of the guide end to end (§2.2, §4.2, §5, §7, §9), on a real broker and the real Apicurio
 * Registry with all five services: asking the seller, a non-responsive seller escalated to support,
 * a dispute mediated, support cancelling a shipped order, who may read what, and reputation.
 * messaging-service runs on a {@link TestClock}, so "24 hours later" is one call.
 */
class HelpCenterTest {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final long TOTAL = 2_000 + 500 + 160 + 300;
    private static final TestClock messagingClock = new TestClock();

    private static ServiceProcess orders;
    private static ServiceProcess shipping;
    private static ServiceProcess credits;
    private static ServiceProcess messaging;
    private static ServiceProcess support;
    private static KafkaProducer<String, SpecificRecord> upstream;
    private static String bootstrap;
    private static String registryUrl;

    @BeforeAll
    static void startTheSystem() {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        bootstrap = kafka.bootstrapServers();
        registryUrl = registry.ccompatUrl();
        orders = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders", bootstrap, registryUrl, Map.of());
        shipping = ServiceProcess.start(ShippingApplication.class, "shipping-service", "shipping", bootstrap, registryUrl, Map.of());
        credits = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits", bootstrap, registryUrl, Map.of());
        messaging = ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging", bootstrap, registryUrl,
                Map.of("app.messaging.non-responsive.check-interval", "200ms"), messagingClock);
        support = ServiceProcess.start(SupportApplication.class, "support-service", "support", bootstrap, registryUrl, Map.of());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> orders.ready() && shipping.ready() && credits.ready() && messaging.ready() && support.ready());
        // Readiness covers Kafka Streams; the live-notification consumer positions itself on its own.
        await().atMost(Duration.ofSeconds(30)).until(() -> messaging.bean(NotificationFeed.class).awaitLive(Duration.ofSeconds(1)));

        upstream = Upstream.producer(bootstrap, registryUrl);
    }

    @AfterAll
    static void stopTheSystem() {
        for (var closeable : new AutoCloseable[] {upstream, support, messaging, credits, shipping, orders}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    /** A buyer, their seller, a stranger, and an agent, with tokens; fresh per test. */
    private record People(String buyer, String seller, String buyerToken, String sellerToken, String strangerToken,
                          String otherSellerToken, String agent, String agentToken) {

        static People fresh() {
            var run = UUID.randomUUID().toString().substring(0, 8);
            var buyer = "buyer-" + run;
            var seller = "seller-" + run;
            return new People(buyer, seller, orders.token(buyer, "BUYER"), orders.token(seller, "SELLER"),
                    orders.token("stranger-" + run, "BUYER"), orders.token("other-seller-" + run, "SELLER"),
                    "agent-" + run, orders.token("agent-" + run, "SUPPORT"));
        }
    }

    private static String placeOrder(People people, Instant placedAt) throws Exception {
        var orderId = "o-" + UUID.randomUUID();
        var order = OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(people.buyer()).setSellerId(people.seller())
                .setListingId("l-" + orderId).setTitle("Wool coat").setSize("S").setCondition(ItemCondition.EXCELLENT)
                .setPriceCents(2_000).setShippingCents(500).setTaxCents(160).setCreditsAppliedCents(300)
                .setCurrency("USD").setPlacedAt(placedAt).build();
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order)).get();
        // Each service learns of the order from the topic, in its own time; a client polls, as here.
        await().atMost(WAIT).until(() -> orders.get("/orders/" + orderId, people.buyerToken()).status() == 200
                && messaging.get("/orders/" + orderId + "/conversation", people.buyerToken()).status() == 200);
        return orderId;
    }

    private static void scan(String orderId, ScanType type) throws Exception {
        var scan = CarrierScan.newBuilder().setScanId("scan-" + orderId + "-" + type).setOrderId(orderId)
                .setTrackingNumber("1Z-" + orderId).setCarrier("UPS").setScanType(type).setScannedAt(Instant.now()).build();
        upstream.send(new ProducerRecord<>(Topics.CARRIER_SCANS.name(), orderId, scan)).get();
    }

    private static JsonNode awaitBody(ServiceProcess service, String path, String token,
                                      java.util.function.Predicate<JsonNode> done) {
        var last = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            var response = service.get(path, token);
            last[0] = response.body();
            return response.status() == 200 && done.test(response.body());
        });
        return last[0];
    }

    private static List<String> notificationKinds(String token) {
        var inbox = messaging.get("/notifications?size=100", token).body();
        return StreamSupport.stream(inbox.get("notifications").spliterator(), false).map(n -> n.get("kind").asString()).toList();
    }

    private static List<JsonNode> ledgerFor(String buyer, String token, String orderId) {
        var ledger = credits.get("/accounts/" + buyer + "/ledger", token).body().get("entries");
        return StreamSupport.stream(ledger.spliterator(), false)
                .filter(e -> orderId.equals(e.path("orderId").asString(null))).toList();
    }

    /** The buyer asks after their window closed: retried while messaging has not yet seen the window close. */
    private static String requestCancellation(String orderId, String buyerToken) {
        var requestId = new String[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            var response = messaging.post("/orders/" + orderId + "/cancellation-requests", buyerToken,
                    "{\"reason\":\"CHANGED_MIND\",\"note\":\"I ordered the wrong size, sorry\"}", Map.of());
            if (response.status() == 201 || response.status() == 200) {
                requestId[0] = response.body().get("requestId").asString();
                return true;
            }
            return false;
        });
        return requestId[0];
    }

    /** Issue 19, point 7: a request the seller has not answered ends when the order ships, and both parties are told. */
    @Test
    void aRequestTheSellerHasNotAnsweredEndsWhenTheOrderShipsAndBothAreTold() throws Exception {
        var people = People.fresh();
        var orderId = placeOrder(people, Instant.now().minus(Duration.ofHours(4)));
        var requestId = requestCancellation(orderId, people.buyerToken());

        scan(orderId, ScanType.ACCEPTED);

        var request = awaitBody(messaging, "/orders/" + orderId + "/cancellation-requests/" + requestId, people.buyerToken(),
                r -> "CLOSED".equals(r.get("status").asString()));
        assertThat(request.at("/outcome/code").asString()).isEqualTo("ALREADY_SHIPPED");
        assertThat(request.at("/outcome/trackingNumber").asString()).isEqualTo("1Z-" + orderId);
        for (var token : List.of(people.buyerToken(), people.sellerToken())) {
            awaitBody(messaging, "/notifications?size=100", token, inbox -> inbox.get("notifications").toString()
                    .contains("CANCELLATION_REQUEST_CLOSED"));
        }
        var approval = messaging.post("/orders/" + orderId + "/cancellation-requests/" + requestId + "/approval",
                people.sellerToken(), "{}", Map.of());
        assertThat(approval.status()).isEqualTo(409);
        assertThat(approval.body().get("code").asString()).isEqualTo("request-not-pending");
    }

    /** Issue 19, point 8 (rule 13): past the ship-by deadline the buyer cancels without the seller, against the seller. */
    @Test
    void anOrderNotShippedWithinSevenDaysIsCancelledByItsBuyerWithoutAskingAndCountsAgainstTheSeller() throws Exception {
        var people = People.fresh();
        var orderId = placeOrder(people, Instant.now().minus(Duration.ofDays(8)));
        // The deadline passed unshipped: both are told, and the buyer may cancel without asking.
        for (var token : List.of(people.buyerToken(), people.sellerToken())) {
            awaitBody(messaging, "/notifications?size=100", token, inbox -> inbox.get("notifications").toString()
                    .contains("SHIP_BY_PASSED"));
        }
        var shown = awaitBody(orders, "/orders/" + orderId + "/cancellation-eligibility", people.buyerToken(),
                e -> e.get("allowed").asBoolean());
        assertThat(shown.get("reasons").toString()).isEqualTo("[\"SELLER_DID_NOT_SHIP\"]");
        assertThat(shown.at("/conditions/recordEffect").asString()).contains("counts against the seller");

        var cancelled = orders.post("/orders/" + orderId + "/cancellations", people.buyerToken(),
                "{\"reason\":\"SELLER_DID_NOT_SHIP\",\"expectedVersion\":" + shown.get("version").asLong() + "}", Map.of());
        assertThat(cancelled.status()).as(String.valueOf(cancelled.body())).isEqualTo(200);
        awaitBody(orders, "/sellers/" + people.seller() + "/signals", people.buyerToken(),
                signals -> signals.get("sellerCausedCancellations").asInt() == 1);
        assertThat(orders.get("/buyers/" + people.buyer() + "/record", people.buyerToken()).body()
                .get("buyerInitiatedCancellations").asInt()).isZero();
    }

    @Test
    void askTheSellerApprovedCancelsTheOrderWithOneCreditAndBothPartiesAreNotifiedLive() throws Exception {
        var people = People.fresh();
        var orderId = placeOrder(people, Instant.now().minus(Duration.ofHours(4)));
        var live = new ConcurrentLinkedQueue<String>();
        var stream = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(messaging.baseUrl() + "/notifications/stream"))
                        .header("Authorization", "Bearer " + people.buyerToken()).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.fromLineSubscriber(new LineCollector(live)));
        try {
            var requestId = requestCancellation(orderId, people.buyerToken());

            var approval = messaging.post("/orders/" + orderId + "/cancellation-requests/" + requestId + "/approval",
                    people.sellerToken(), "{\"note\":\"No problem\"}", Map.of());
            assertThat(approval.status()).isIn(200, 202);

            var order = awaitBody(orders, "/orders/" + orderId, people.buyerToken(),
                    o -> "CANCELLED".equals(o.get("status").asString()));
            assertThat(order.at("/refund/amountCents").asLong()).isEqualTo(TOTAL);
            var request = awaitBody(messaging, "/orders/" + orderId + "/cancellation-requests/" + requestId,
                    people.buyerToken(), r -> "CANCELLED".equals(r.get("status").asString()));
            assertThat(request.get("requestId").asString()).isEqualTo(requestId);
            await().atMost(WAIT).until(() -> ledgerFor(people.buyer(), people.buyerToken(), orderId).size() == 1);
            await().atMost(WAIT).until(() -> notificationKinds(people.buyerToken()).containsAll(List.of(
                    "CANCELLATION_REQUEST_APPROVED", "CANCELLATION_CONFIRMED", "CREDIT_ISSUED")));
            await().atMost(WAIT).until(() -> notificationKinds(people.sellerToken()).containsAll(List.of(
                    "CANCELLATION_REQUEST_RECEIVED", "CANCELLATION_CONFIRMED")));
            await().atMost(WAIT).until(() -> live.stream().anyMatch(line -> line.contains("CREDIT_ISSUED")));

            var credit = ledgerFor(people.buyer(), people.buyerToken(), orderId).getFirst();
            assertThat(credit.get("amountCents").asLong()).isEqualTo(TOTAL);
            assertThat(credits.get("/accounts/" + people.buyer(), people.buyerToken()).body()
                    .at("/balances/0/amountCents").asLong()).isEqualTo(TOTAL);
            assertThat(live.stream().filter(line -> line.startsWith("data:")).anyMatch(line -> line.contains(orderId))).isTrue();
        } finally {
            stream.cancel(true);
        }
    }

    @Test
    void aDeclinedRequestLeavesTheOrderAsItWasAndTheBuyerIsTold() throws Exception {
        var people = People.fresh();
        var orderId = placeOrder(people, Instant.now().minus(Duration.ofHours(4)));
        var requestId = requestCancellation(orderId, people.buyerToken());
        var versionBefore = orders.get("/orders/" + orderId, people.buyerToken()).body().get("version").asLong();

        var decline = messaging.post("/orders/" + orderId + "/cancellation-requests/" + requestId + "/decline",
                people.sellerToken(), "{\"note\":\"It is already packed\"}", Map.of());

        assertThat(decline.status()).isIn(200, 202);
        awaitBody(messaging, "/orders/" + orderId + "/cancellation-requests/" + requestId, people.buyerToken(),
                r -> "DECLINED".equals(r.get("status").asString()));
        await().atMost(WAIT).until(() -> notificationKinds(people.buyerToken()).contains("CANCELLATION_REQUEST_DECLINED"));
        var order = orders.get("/orders/" + orderId, people.buyerToken()).body();
        assertThat(order.get("status").asString()).isEqualTo("PLACED");
        assertThat(order.get("version").asLong()).isEqualTo(versionBefore);
        assertThat(ledgerFor(people.buyer(), people.buyerToken(), orderId)).isEmpty();
    }

    @Test
    void twoUnansweredBuyerMessagesAnd24HoursLaterOpenExactlyOneNonResponsiveCaseAndAReplyPreventsIt() throws Exception {
        var people = People.fresh();
        var ignored = placeOrder(people, Instant.now());
        var answered = placeOrder(people, Instant.now());
        var sent = new ArrayList<String>();
        for (var text : List.of("Hi, could you cancel this order?", "Hello? Please answer.")) {
            var response = messaging.post("/orders/" + ignored + "/conversation/messages", people.buyerToken(),
                    "{\"text\":\"" + text + "\"}", Map.of());
            assertThat(response.status()).isIn(200, 201);
            sent.add(response.body().get("messageId").asString());
        }
        for (var text : List.of("Is the coat still available?", "Could you ship it soon?")) {
            messaging.post("/orders/" + answered + "/conversation/messages", people.buyerToken(), "{\"text\":\"" + text + "\"}", Map.of());
        }
        assertThat(messaging.post("/orders/" + answered + "/conversation/messages", people.sellerToken(),
                "{\"text\":\"Yes, shipping tomorrow.\"}", Map.of()).status()).isIn(200, 201);

        messagingClock.advance(Duration.ofHours(24).plusMinutes(1));

        var cases = awaitBody(support, "/cases?type=NON_RESPONSIVE_SELLER&size=100", people.agentToken(),
                page -> casesOf(page, ignored).size() == 1);
        var caseId = casesOf(cases, ignored).getFirst().get("caseId").asString();
        var opened = support.get("/cases/" + caseId, people.agentToken()).body();
        assertThat(opened.get("status").asString()).isEqualTo("OPEN");
        var quoted = StreamSupport.stream(opened.get("evidence").spliterator(), false)
                .filter(e -> e.hasNonNull("message")).map(e -> e.at("/message/messageId").asString()).toList();
        assertThat(quoted).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(casesOf(cases, answered)).isEmpty();
        assertThat(nonResponsiveEventsFor(ignored)).isEqualTo(1);
        await().atMost(WAIT).until(() -> notificationKinds(people.buyerToken()).contains("CASE_OPENED"));
    }

    @Test
    void aScanAfterCancellationOpensADisputeWhoseMediationBothPartiesSeeAndAnAgentResolves() throws Exception {
        var people = People.fresh();
        var orderId = placeOrder(people, Instant.now());
        assertThat(orders.post("/orders/" + orderId + "/cancellations", people.buyerToken(), "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}",
                Map.of()).status()).isEqualTo(200);
        scan(orderId, ScanType.ACCEPTED);

        var cases = awaitBody(support, "/cases?type=DISPUTE&size=100", people.agentToken(), page -> casesOf(page, orderId).size() == 1);
        var caseId = casesOf(cases, orderId).getFirst().get("caseId").asString();
        var path = "/cases/" + caseId;
        assertThat(support.post(path + "/assignment", people.agentToken(), "{\"agentId\":\"" + people.agent() + "\"}", Map.of())
                .status()).isEqualTo(200);
        assertThat(support.post(path + "/review", people.agentToken(), "{}", Map.of()).status()).isEqualTo(200);
        assertThat(support.post(path + "/mediation", people.agentToken(), "{}", Map.of()).status()).isEqualTo(200);
        assertThat(support.post(path + "/statements", people.buyerToken(), "{\"text\":\"I cancelled within the hour.\"}", Map.of())
                .status()).isIn(200, 201);
        assertThat(support.post(path + "/statements", people.sellerToken(), "{\"text\":\"The label was printed already.\"}", Map.of())
                .status()).isIn(200, 201);

        for (var token : List.of(people.buyerToken(), people.sellerToken())) {
            var statements = StreamSupport.stream(support.get(path, token).body().get("evidence").spliterator(), false)
                    .filter(e -> "STATEMENT".equals(e.get("kind").asString())).map(e -> e.get("text").asString()).toList();
            assertThat(statements).contains("I cancelled within the hour.", "The label was printed already.");
        }
        var resolved = support.post(path + "/resolution", people.agentToken(),
                "{\"outcome\":\"NO_CANCELLATION\",\"reason\":\"The parcel goes back to the seller; the buyer keeps the credit.\"}", Map.of());
        assertThat(resolved.status()).isEqualTo(200);
        var view = support.get(path, people.buyerToken()).body();
        assertThat(view.get("status").asString()).isEqualTo("RESOLVED");
        assertThat(view.get("outcome").asString()).isEqualTo("RESOLVED_WITHOUT_CANCELLATION");
        var actions = StreamSupport.stream(view.get("audit").spliterator(), false).map(a -> a.get("action").asString()).toList();
        assertThat(actions).contains("OPENED", "ASSIGNED", "REVIEW_STARTED", "MEDIATION_STARTED", "STATEMENT_ADDED", "RESOLVED");
        assertThat(StreamSupport.stream(view.get("audit").spliterator(), false))
                .allSatisfy(a -> assertThat(a.hasNonNull("at") && a.at("/actor/id").isString()).isTrue());
        await().atMost(WAIT).until(() -> notificationKinds(people.sellerToken()).containsAll(List.of("CASE_OPENED", "CASE_RESOLVED")));
    }

    @Test
    void supportOrdersTheCancellationOfAShippedOrderAndExactlyOneCreditResults() throws Exception {
        var people = People.fresh();
        var orderId = placeOrder(people, Instant.now());
        scan(orderId, ScanType.ACCEPTED);
        awaitBody(orders, "/orders/" + orderId, people.buyerToken(), o -> "SHIPPED".equals(o.get("status").asString()));
        var opened = support.post("/cases", people.buyerToken(), "{\"orderId\":\"" + orderId
                + "\",\"type\":\"COMPLAINT\",\"description\":\"The listing hid a large stain.\"}", Map.of());
        assertThat(opened.status()).isEqualTo(201);
        var path = "/cases/" + opened.body().get("caseId").asString();
        support.post(path + "/assignment", people.agentToken(), "{\"agentId\":\"" + people.agent() + "\"}", Map.of());
        support.post(path + "/review", people.agentToken(), "{}", Map.of());

        var ordered = support.post(path + "/resolution", people.agentToken(),
                "{\"outcome\":\"ORDER_CANCELLATION\",\"reason\":\"Item not as described\",\"cancelReason\":\"OTHER\"}", Map.of());
        assertThat(ordered.status()).isIn(200, 202);

        awaitBody(support, path, people.agentToken(), c -> "RESOLVED".equals(c.get("status").asString())
                && "ORDER_CANCELLED".equals(c.get("outcome").asString()));
        awaitBody(orders, "/orders/" + orderId, people.buyerToken(), o -> "CANCELLED".equals(o.get("status").asString()));
        await().atMost(WAIT).until(() -> ledgerFor(people.buyer(), people.buyerToken(), orderId).size() == 1);
        var again = support.post(path + "/resolution", people.agentToken(),
                "{\"outcome\":\"ORDER_CANCELLATION\",\"reason\":\"again\"}", Map.of());
        assertThat(again.status()).isEqualTo(409);
        await().atMost(WAIT).until(() -> notificationKinds(people.buyerToken()).contains("CASE_RESOLVED"));
        assertThat(ledgerFor(people.buyer(), people.buyerToken(), orderId)).hasSize(1);
        assertThat(credits.get("/accounts/" + people.buyer(), people.buyerToken()).body()
                .at("/balances/0/amountCents").asLong()).isEqualTo(TOTAL);
    }

    @Test
    void onlyTheOrdersBuyerSellerAndAgentsReadItsConversationAndCases() throws Exception {
        var people = People.fresh();
        var orderId = placeOrder(people, Instant.now());
        assertThat(messaging.post("/orders/" + orderId + "/conversation/messages", people.buyerToken(),
                "{\"text\":\"Hello\"}", Map.of()).status()).isIn(200, 201);
        var opened = support.post("/cases", people.sellerToken(), "{\"orderId\":\"" + orderId
                + "\",\"type\":\"CANCELLATION_REQUEST\",\"description\":\"The buyer asked me to cancel.\"}", Map.of());
        assertThat(opened.status()).isEqualTo(201);
        var conversation = "/orders/" + orderId + "/conversation";
        var casePath = "/cases/" + opened.body().get("caseId").asString();

        for (var allowed : List.of(people.buyerToken(), people.sellerToken(), people.agentToken())) {
            assertThat(messaging.get(conversation, allowed).status()).isEqualTo(200);
            assertThat(support.get(casePath, allowed).status()).isEqualTo(200);
        }
        for (var outsider : List.of(people.strangerToken(), people.otherSellerToken())) {
            assertThat(messaging.get(conversation, outsider).status()).isEqualTo(404);
            assertThat(support.get(casePath, outsider).status()).isEqualTo(404);
            assertThat(casesOf(support.get("/cases?size=100", outsider).body(), orderId)).isEmpty();
            assertThat(messaging.post("/orders/" + orderId + "/conversation/messages", outsider, "{\"text\":\"hi\"}", Map.of())
                    .status()).isEqualTo(404);
        }
        assertThat(messaging.get(conversation, null).status()).isEqualTo(401);
    }

    @Test
    void aBuyerRecordCountsTheirCancellationsWarnsThemAndCarriesTheSellersComment() throws Exception {
        var people = People.fresh();
        var first = placeOrder(people, Instant.now());
        var second = placeOrder(people, Instant.now());
        var third = placeOrder(people, Instant.now());
        for (var orderId : List.of(first, second)) {
            assertThat(orders.post("/orders/" + orderId + "/cancellations", people.buyerToken(),
                    "{\"reason\":\"FOUND_BETTER_PRICE\",\"expectedVersion\":1}", Map.of()).status()).isEqualTo(200);
        }

        var record = awaitBody(orders, "/buyers/" + people.buyer() + "/record", people.buyerToken(),
                r -> r.get("buyerInitiatedCancellations").asInt() == 2);
        assertThat(record.get("purchases").asInt()).isEqualTo(3);
        assertThat(record.get("rate").asDouble()).isEqualTo(2.0 / 3.0);
        assertThat(record.at("/byReason/FOUND_BETTER_PRICE").asInt()).isEqualTo(2);
        var eligibility = orders.get("/orders/" + third + "/cancellation-eligibility", people.buyerToken()).body();
        assertThat(eligibility.at("/conditions/recordWarning").asString()).contains("2 of your 3 orders");

        var comment = orders.post("/orders/" + first + "/buyer-comment", people.sellerToken(),
                "{\"text\":\"Cancelled within the hour, politely.\"}", Map.of());
        assertThat(comment.status()).isEqualTo(201);
        var second_ = orders.post("/orders/" + first + "/buyer-comment", people.sellerToken(), "{\"text\":\"Again\"}", Map.of());
        assertThat(second_.status()).isEqualTo(409);
        assertThat(second_.body().get("code").asString()).isEqualTo("comment-exists");
        assertThat(orders.post("/orders/" + third + "/buyer-comment", people.sellerToken(), "{\"text\":\"x\"}", Map.of())
                .body().get("code").asString()).isEqualTo("order-not-cancelled");
        var seen = awaitBody(orders, "/buyers/" + people.buyer() + "/record", people.sellerToken(),
                r -> r.get("comments").size() == 1);
        assertThat(seen.at("/comments/0/text").asString()).isEqualTo("Cancelled within the hour, politely.");
        assertThat(orders.get("/buyers/" + people.buyer() + "/record", people.otherSellerToken()).status()).isEqualTo(404);
        assertThat(orders.get("/buyers/" + people.buyer() + "/record", people.strangerToken()).status()).isEqualTo(404);
        var signals = orders.get("/sellers/" + people.seller() + "/signals", people.strangerToken()).body();
        assertThat(signals.get("sales").asInt()).isEqualTo(3);
        assertThat(signals.get("cancellations").asInt()).isEqualTo(2);
        assertThat(signals.get("averageRating").isNull()).isTrue();
        assertThat(signals.get("ratingNote").asString()).isEqualTo("no ratings yet");
    }

    private static List<JsonNode> casesOf(JsonNode page, String orderId) {
        return StreamSupport.stream(page.get("cases").spliterator(), false)
                .filter(c -> orderId.equals(c.get("orderId").asString())).toList();
    }

    /** Reads the non-responsive topic from the start, read_committed, and counts the events of one order. */
    private static long nonResponsiveEventsFor(String orderId) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, PoisonTolerantDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(RegistrySettings.URL, registryUrl);
        props.put("specific.avro.reader", "true");
        try (var consumer = new KafkaConsumer<String, SellerNonResponsive>(props)) {
            var partitions = consumer.partitionsFor(Topics.SELLER_NON_RESPONSIVE.name()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (orderId.equals(record.key())) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    /** Collects the lines of a server-sent-event stream as they arrive. */
    private record LineCollector(ConcurrentLinkedQueue<String> lines) implements java.util.concurrent.Flow.Subscriber<String> {

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            lines.add(line);
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }
}
