package market.resale.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.serde.TrustedPackages;
import market.resale.schemas.topics.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guide's scenarios, played through the public interfaces only: checkout and the carrier
 * publish Avro records (Confluent wire format) as upstream apps do, buyers and sellers call the
 * HTTP APIs with bearer tokens. Each step is printed. Exits non-zero if any outcome is not the
 * one the rules promise.
 */
public final class Demo {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, String> urls;
    private final KafkaProducer<String, SpecificRecord> upstream;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final String buyer = "buyer-ann-" + run;
    private final String seller = "seller-sam-" + run;
    private final String agent = "agent-ada-" + run;
    private String buyerToken;
    private String sellerToken;
    private String agentToken;
    private int failures;

    private Demo(Map<String, String> urls) {
        this.urls = urls;
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, urls.get("kafka"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
        props.put(RegistrySettings.URL, urls.get("registry"));
        upstream = new KafkaProducer<>(props);
    }

    public static void main(String[] args) throws Exception {
        TrustedPackages.register();
        var urls = new HashMap<String, String>();
        for (var arg : args) {
            var kv = arg.replaceFirst("^--", "").split("=", 2);
            urls.put(kv[0], kv[1]);
        }
        var demo = new Demo(urls);
        try {
            demo.play();
        } finally {
            demo.upstream.close();
        }
        System.exit(demo.failures == 0 ? 0 : 1);
    }

    private void play() throws Exception {
        step("Demo users: buyer %s and seller %s (tokens from the token issuer, %s)", buyer, seller, urls.get("issuer"));
        buyerToken = token(buyer, "BUYER");
        sellerToken = token(seller, "SELLER");
        agentToken = token(agent, "SUPPORT");

        // 1. A cancel inside the window ends in store credit.
        heading("1. The buyer cancels within 3 hours; the refund becomes store credit");
        var first = placeOrder(Instant.now(), 4_500, 797, 360, 500);
        var eligibility = await("orders", "GET", "/orders/" + first + "/cancellation-eligibility", buyerToken, null,
                r -> r.status() == 200);
        show("eligibility", eligibility);
        var confirmed = call("orders", "POST", "/orders/" + first + "/cancellations", buyerToken,
                "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":" + eligibility.body().get("version").asLong() + "}");
        show("confirmation", confirmed);
        expect(confirmed.status() == 200 && "CANCELLED".equals(confirmed.body().get("status").asString()), "the order is cancelled");
        var balance = await("credits", "GET", "/accounts/" + buyer, buyerToken, null,
                r -> r.status() == 200 && r.body().at("/balances/0/amountCents").asLong() == 6_157);
        show("store credit", balance);
        expect(balance.body().at("/balances/0/amountCents").asLong() == 6_157, "6157 cents of credit (4500+797+360+500)");

        // 2. After 3 hours the buyer can no longer cancel on their own.
        heading("2. The buyer tries to cancel an order placed more than 3 hours ago");
        var late = placeOrder(Instant.now().minus(Duration.ofHours(3)).minusSeconds(60), 2_000, 500, 160, 0);
        await("orders", "GET", "/orders/" + late, buyerToken, null, r -> r.status() == 200);
        var refusedLate = lookThenCancel(late, buyerToken, "CHANGED_MIND", null);
        show("refusal", refusedLate);
        expect(refusedLate.status() == 409 && "window-expired".equals(refusedLate.body().get("code").asString()),
                "refused: window-expired");

        // 3. A shipped order cannot be cancelled; the answer names the tracking number.
        heading("3. The carrier scans the parcel; the buyer's cancellation is refused with the tracking number");
        var shipped = placeOrder(Instant.now(), 3_000, 600, 240, 0);
        await("orders", "GET", "/orders/" + shipped, buyerToken, null, r -> r.status() == 200);
        scan(shipped, ScanType.LABEL_CREATED);
        scan(shipped, ScanType.ACCEPTED);
        var shippedOrder = await("orders", "GET", "/orders/" + shipped, buyerToken, null,
                r -> r.status() == 200 && "SHIPPED".equals(r.body().get("status").asString()));
        step("order %s is %s (tracking %s)", shipped, shippedOrder.body().get("status").asString(),
                shippedOrder.body().at("/shipment/trackingNumber").asString());
        var refusedShipped = lookThenCancel(shipped, buyerToken, "CHANGED_MIND", null);
        show("refusal", refusedShipped);
        expect(refusedShipped.status() == 409 && "already-shipped".equals(refusedShipped.body().get("code").asString())
                && refusedShipped.body().get("detail").asString().contains("TRK-" + shipped), "refused: already-shipped, names the tracking number");

        // 3b. Once delivered, the buyer rates the seller (the reviews app publishes it); buyers see it with the seller's signals.
        heading("3b. The parcel is delivered; the buyer rates the seller, and the rating shows with the seller's signals (rule 15)");
        scan(shipped, ScanType.DELIVERED);
        var rating = market.resale.schemas.reviews.OrderRated.newBuilder().setRatingId("rating-" + shipped).setOrderId(shipped)
                .setBuyerId(buyer).setSellerId(seller).setStars(5).setComment("Exactly as described, well packed.")
                .setRatedAt(Instant.now()).build();
        upstream.send(new ProducerRecord<>(Topics.ORDER_RATED.name(), shipped, rating)).get();
        step("the reviews app published a 5-star rating on %s", Topics.ORDER_RATED.name());
        // The order shows its rating at once; the seller's signals follow from the sales index a moment later.
        var rated = await("orders", "GET", "/orders/" + shipped, buyerToken, null,
                r -> r.status() == 200 && r.body().at("/rating/stars").asInt() == 5
                        && r.body().at("/sellerSignals/ratingCount").asInt() == 1);
        step("the order's rating: %s; the seller's signals: %s", rated.body().get("rating"), rated.body().get("sellerSignals"));
        expect(rated.body().at("/sellerSignals/averageRating").asDouble() == 5.0
                && rated.body().at("/sellerSignals/ratingCount").asInt() == 1, "the seller's average rating is 5.0 of 1 rating");

        // 4. The seller cancels (before shipping), even after the buyer's window.
        heading("4. The seller cancels an unshipped order placed 5 hours ago");
        var sellerCancel = placeOrder(Instant.now().minus(Duration.ofHours(5)), 1_800, 400, 0, 0);
        await("orders", "GET", "/orders/" + sellerCancel, sellerToken, null, r -> r.status() == 200);
        var bySeller = lookThenCancel(sellerCancel, sellerToken, "ITEM_UNAVAILABLE", "Sorry, it sold in my shop this morning.");
        show("seller's cancellation", bySeller);
        expect(bySeller.status() == 200 && "CANCELLED".equals(bySeller.body().get("status").asString()), "the seller's cancellation is applied");
        var afterSeller = await("credits", "GET", "/accounts/" + buyer, buyerToken, null,
                r -> r.body().at("/balances/0/amountCents").asLong() == 6_157 + 2_200);
        show("buyer's store credit", afterSeller);
        var told = await("messaging", "GET", "/notifications?size=100", buyerToken, null, r -> r.status() == 200
                && r.body().get("notifications").toString().contains("Sorry, it sold in my shop this morning."));
        expect(told.status() == 200, "the buyer's notice carries the seller's note");

        // 5. Credit is never paid out as cash.
        heading("5. The buyer asks to cash out the credit");
        var cashOut = call("credits", "POST", "/accounts/" + buyer + "/cash-outs", buyerToken, "{}");
        show("answer", cashOut);
        expect(cashOut.status() == 422 && "cash-out-not-supported".equals(cashOut.body().get("code").asString()), "cash-out refused");

        askTheSeller();
        nonResponsiveSeller();
        dispute();
        complaint();
        shipByDeadline();

        heading(failures == 0 ? "All scenarios behaved as the guide says." : failures + " scenario check(s) failed.");
    }

    /** §4.2: outside the buyer's window, the buyer asks the seller, who approves; orders cancels, credit follows. */
    private void askTheSeller() throws Exception {
        heading("6. Past the 3 hours, the buyer asks the seller to cancel; the seller approves (§4.2)");
        var orderId = placeOrder(Instant.now().minus(Duration.ofHours(4)), 2_500, 500, 200, 0);
        var request = await("messaging", "POST", "/orders/" + orderId + "/cancellation-requests", buyerToken,
                "{\"reason\":\"ORDERED_BY_MISTAKE\",\"note\":\"I ordered the wrong size, sorry!\"}",
                r -> r.status() == 201);
        show("buyer's request", request);
        var requestId = request.body().get("requestId").asString();
        var inbox = await("messaging", "GET", "/notifications?unread=true", sellerToken, null,
                r -> r.status() == 200 && contains(r.body().get("notifications"), "kind", "CANCELLATION_REQUEST_RECEIVED"));
        step("the seller's inbox: %s", kinds(inbox.body().get("notifications")));
        var approval = call("messaging", "POST", "/orders/" + orderId + "/cancellation-requests/" + requestId + "/approval",
                sellerToken, "{\"note\":\"No problem, it was not packed yet.\"}");
        show("seller's approval", approval);
        var order = await("orders", "GET", "/orders/" + orderId, buyerToken, null,
                r -> r.status() == 200 && "CANCELLED".equals(r.body().get("status").asString()));
        expect("CANCELLED".equals(order.body().get("status").asString()), "orders-service cancelled it as a seller-approved cancellation");
        // This order's notices (the inbox holds earlier scenarios' too): the approval and the credit.
        var buyerInbox = await("messaging", "GET", "/notifications?size=100", buyerToken, null,
                r -> r.status() == 200 && noticeOf(r.body(), orderId, "CANCELLATION_REQUEST_APPROVED")
                        && noticeOf(r.body(), orderId, "CREDIT_ISSUED"));
        step("the buyer's inbox: %s", kinds(buyerInbox.body().get("notifications")));
        expect(noticeOf(buyerInbox.body(), orderId, "CANCELLATION_REQUEST_APPROVED") && noticeOf(buyerInbox.body(), orderId, "CREDIT_ISSUED"),
                "the buyer is told the seller approved, and the credit (3200 cents) is issued");
    }

    /** §7.1: the seller leaves two buyer messages unanswered; support opens a case by itself. */
    private void nonResponsiveSeller() throws Exception {
        heading("7. The seller leaves two messages unanswered; support opens a case by itself (§7.1)");
        var orderId = placeOrder(Instant.now(), 1_500, 400, 120, 0);
        for (var text : new String[] {"Hi! Could you cancel this order, please?", "Hello again, are you there?"}) {
            await("messaging", "GET", "/orders/" + orderId + "/conversation", buyerToken, null, r -> r.status() == 200);
            var sent = call("messaging", "POST", "/orders/" + orderId + "/conversation/messages", buyerToken,
                    "{\"text\":\"" + text + "\"}");
            show("buyer's message", sent);
        }
        step("waiting for the non-responsive deadline (24 h in production; ./stack up uses NON_RESPONSIVE_AFTER, default 20 s)");
        var cases = await("support", "GET", "/cases?type=NON_RESPONSIVE_SELLER&size=100", agentToken, null,
                r -> r.status() == 200 && contains(r.body().get("cases"), "orderId", orderId), Duration.ofSeconds(90));
        var summary = find(cases.body().get("cases"), "orderId", orderId);
        expect(summary != null, "a NON_RESPONSIVE_SELLER case is open for the order");
        if (summary != null) {
            var opened = call("support", "GET", "/cases/" + summary.get("caseId").asString(), agentToken, null);
            show("the case, with the unanswered messages as evidence", opened);
            expect(opened.body().get("evidence").size() >= 2, "the two unanswered messages are its evidence");
        }
    }

    /** §7.2: a scan after the cancellation opens a dispute; both parties state their side; an agent resolves it. */
    private void dispute() throws Exception {
        heading("8. The parcel is scanned after the cancellation: a dispute, mediated by support (§7.2)");
        var orderId = placeOrder(Instant.now(), 3_900, 650, 310, 0);
        await("orders", "GET", "/orders/" + orderId, buyerToken, null, r -> r.status() == 200);
        var cancelled = lookThenCancel(orderId, buyerToken, "CHANGED_MIND", null);
        show("buyer's cancellation", cancelled);
        scan(orderId, ScanType.LABEL_CREATED);
        scan(orderId, ScanType.ACCEPTED);
        var cases = await("support", "GET", "/cases?type=DISPUTE&size=100", agentToken, null,
                r -> r.status() == 200 && contains(r.body().get("cases"), "orderId", orderId));
        var summary = find(cases.body().get("cases"), "orderId", orderId);
        expect(summary != null, "shipping's conflict opened a DISPUTE case");
        if (summary == null) {
            return;
        }
        var path = "/cases/" + summary.get("caseId").asString();
        show("assigned", call("support", "POST", path + "/assignment", agentToken, "{\"agentId\":\"" + agent + "\"}"));
        show("in review", call("support", "POST", path + "/review", agentToken, "{}"));
        show("mediation", call("support", "POST", path + "/mediation", agentToken, "{}"));
        call("support", "POST", path + "/statements", buyerToken, "{\"text\":\"I cancelled ten minutes after buying.\"}");
        call("support", "POST", path + "/statements", sellerToken, "{\"text\":\"The label was printed before I saw it.\"}");
        var sellerView = call("support", "GET", path, sellerToken, null);
        var statements = 0;
        for (var e : sellerView.body().get("evidence")) {
            statements += "STATEMENT".equals(e.get("kind").asString()) ? 1 : 0;
        }
        expect(statements == 2, "the seller sees both parties' statements");
        var resolved = call("support", "POST", path + "/resolution", agentToken,
                "{\"outcome\":\"NO_CANCELLATION\",\"reason\":\"The parcel returns to the seller; the buyer keeps the credit.\"}");
        show("resolution", resolved);
        expect(resolved.status() == 200 && "RESOLVED".equals(resolved.body().get("status").asString()), "the agent resolved the dispute");
    }

    /** §7.3 and rule 5: a formal complaint about a shipped order, with a screenshot; support cancels it. */
    private void complaint() throws Exception {
        heading("9. A formal complaint about a shipped order, with a screenshot; support orders the cancellation (§7.3, rule 5)");
        var orderId = placeOrder(Instant.now(), 5_200, 800, 420, 0);
        await("orders", "GET", "/orders/" + orderId, buyerToken, null, r -> r.status() == 200);
        scan(orderId, ScanType.ACCEPTED);
        await("orders", "GET", "/orders/" + orderId, buyerToken, null,
                r -> r.status() == 200 && "SHIPPED".equals(r.body().get("status").asString()));
        var opened = call("support", "POST", "/cases", buyerToken, "{\"orderId\":\"" + orderId
                + "\",\"type\":\"COMPLAINT\",\"description\":\"The seller sent a different jacket and stopped answering.\"}");
        show("complaint", opened);
        var path = "/cases/" + opened.body().get("caseId").asString();
        var png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        var file = HTTP.send(HttpRequest.newBuilder(URI.create(urls.get("support") + path + "/evidence/files?name=photo.png"))
                .header("Authorization", "Bearer " + buyerToken).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
        step("screenshot attached: HTTP %d %s", file.statusCode(), file.body());
        call("support", "POST", path + "/assignment", agentToken, "{\"agentId\":\"" + agent + "\"}");
        call("support", "POST", path + "/review", agentToken, "{}");
        var ordered = call("support", "POST", path + "/resolution", agentToken,
                "{\"outcome\":\"ORDER_CANCELLATION\",\"reason\":\"Item not as described\",\"cancelReason\":\"OTHER\"}");
        show("the agent orders the cancellation", ordered);
        var order = await("orders", "GET", "/orders/" + orderId, buyerToken, null,
                r -> r.status() == 200 && "CANCELLED".equals(r.body().get("status").asString()));
        expect("CANCELLED".equals(order.body().get("status").asString()), "orders-service cancelled the shipped order for support");
        var resolved = await("support", "GET", path, buyerToken, null,
                r -> r.status() == 200 && "RESOLVED".equals(r.body().get("status").asString()));
        expect("ORDER_CANCELLED".equals(resolved.body().get("outcome").asString()), "the case is resolved with the order cancelled");
        var credit = await("credits", "GET", "/accounts/" + buyer + "/ledger?size=100", buyerToken, null,
                r -> r.status() == 200 && contains(r.body().get("entries"), "orderId", orderId));
        var entries = 0;
        for (var e : credit.body().get("entries")) {
            entries += orderId.equals(e.get("orderId").asString()) ? 1 : 0;
        }
        expect(entries == 1, "exactly one credit (6420 cents) for the order");
        var parcel = await("messaging", "GET", "/notifications?size=100", buyerToken, null, r -> r.status() == 200
                && r.body().get("notifications").toString().contains("had already left the seller"));
        expect(parcel.status() == 200, "the buyer is told the parcel on its way goes back, and how");
    }

    /** Rule 13: a seller who has not shipped within 7 days; the buyer cancels without asking, and it counts against the seller. */
    private void shipByDeadline() throws Exception {
        heading("10. The seller has not shipped 7 days after the purchase; the buyer cancels without asking (rule 13)");
        var orderId = placeOrder(Instant.now().minus(Duration.ofDays(8)), 2_500, 500, 200, 0);
        var shown = await("orders", "GET", "/orders/" + orderId + "/cancellation-eligibility", buyerToken, null,
                r -> r.status() == 200 && r.body().get("allowed").asBoolean());
        show("eligibility past the ship-by deadline", shown);
        expect(shown.body().get("reasons").toString().contains("SELLER_DID_NOT_SHIP")
                && shown.body().get("shipBy") != null, "the buyer is shown the ship-by deadline and SELLER_DID_NOT_SHIP");
        var cancelled = lookThenCancel(orderId, buyerToken, "SELLER_DID_NOT_SHIP", "Nothing shipped after a week.");
        show("buyer's cancellation", cancelled);
        expect(cancelled.status() == 200 && "CANCELLED".equals(cancelled.body().get("status").asString()),
                "cancelled without the seller");
        var signals = await("orders", "GET", "/sellers/" + seller + "/signals", buyerToken, null,
                r -> r.status() == 200 && r.body().get("sellerCausedCancellations").asInt() >= 2);
        show("the seller's signals", signals);
        // Scenario 4's ITEM_UNAVAILABLE and this missed deadline; the buyer's own and the approved request do not count.
        expect(signals.body().get("sellerCausedCancellations").asInt() == 2, "the missed deadline counts against the seller");
    }

    private static boolean noticeOf(JsonNode inbox, String orderId, String kind) {
        for (var n : inbox.get("notifications")) {
            if (orderId.equals(n.path("orderId").asString(null)) && kind.equals(n.path("kind").asString(null))) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode items, String field, String value) {
        return find(items, field, value) != null;
    }

    private static JsonNode find(JsonNode items, String field, String value) {
        if (items != null) {
            for (var item : items) {
                if (value.equals(item.path(field).asString(null))) {
                    return item;
                }
            }
        }
        return null;
    }

    private static String kinds(JsonNode notifications) {
        var kinds = new java.util.ArrayList<String>();
        notifications.forEach(n -> kinds.add(n.get("kind").asString()));
        return String.join(", ", kinds);
    }

    private String placeOrder(Instant placedAt, long price, long shipping, long tax, long credits) throws Exception {
        var orderId = "order-" + run + "-" + UUID.randomUUID().toString().substring(0, 6);
        var order = OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(buyer).setSellerId(seller)
                .setListingId("listing-" + orderId).setTitle("Vintage denim jacket").setSize("M")
                .setCondition(ItemCondition.EXCELLENT).setPriceCents(price).setShippingCents(shipping).setTaxCents(tax)
                .setCreditsAppliedCents(credits).setCurrency("USD").setPlacedAt(placedAt).build();
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order)).get();
        step("checkout published %s on %s (placed %s, total %d cents)", orderId, Topics.ORDER_PLACED.name(), placedAt,
                price + shipping + tax + credits);
        return orderId;
    }

    private void scan(String orderId, ScanType type) throws Exception {
        var scan = CarrierScan.newBuilder().setScanId("scan-" + orderId + "-" + type).setOrderId(orderId)
                .setTrackingNumber("TRK-" + orderId).setCarrier("USPS").setScanType(type).setScannedAt(Instant.now()).build();
        upstream.send(new ProducerRecord<>(Topics.CARRIER_SCANS.name(), orderId, scan)).get();
        step("carrier published a %s scan on %s", type, Topics.CARRIER_SCANS.name());
    }

    /** A token from the local stack's token issuer, the way the README's curl gets one (the local-tools client acting for a user). */
    private String token(String userId, String role) throws Exception {
        var credentials = java.util.Base64.getEncoder().encodeToString(
                (urls.getOrDefault("issuer-client", "local-tools:local-tools-secret")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create(urls.get("issuer") + "/oauth2/token")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + credentials).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&user=" + userId + "&roles=" + role)).build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The token issuer at " + urls.get("issuer") + " refused a token for " + userId + ": "
                    + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).get("access_token").asString();
    }

    record Response(int status, JsonNode body) {
    }

    private Response await(String service, String method, String path, String token, String body, Predicate<Response> done)
            throws Exception {
        return await(service, method, path, token, body, done, Duration.ofSeconds(30));
    }

    private Response await(String service, String method, String path, String token, String body, Predicate<Response> done,
                           Duration patience) throws Exception {
        var deadline = System.nanoTime() + patience.toNanos();
        Response last;
        do {
            last = call(service, method, path, token, body);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(200); // polling an eventually consistent read, as a client app would
        } while (System.nanoTime() < deadline);
        expect(false, method + " " + path + " reached the expected state (last answer " + last + ")");
        return last;
    }

    /**
     * Rule 7, as an app does it: look at the eligibility (what the caller is shown, its version), then confirm quoting
     * that version, with a reason of the caller's own and an optional note for the other party.
     */
    private Response lookThenCancel(String orderId, String token, String reason, String note) throws Exception {
        var shown = call("orders", "GET", "/orders/" + orderId + "/cancellation-eligibility", token, null);
        step("shown: allowed=%s%s (version %d)", shown.body().get("allowed").asBoolean(),
                shown.body().path("reasonCode").isString() ? ", " + shown.body().get("reasonCode").asString() : "",
                shown.body().get("version").asLong());
        var body = JSON.createObjectNode().put("reason", reason).put("expectedVersion", shown.body().get("version").asLong());
        if (note != null) {
            body.put("note", note);
        }
        return call("orders", "POST", "/orders/" + orderId + "/cancellations", token, body.toString());
    }

    private Response call(String service, String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(urls.get(service) + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        var json = response.body().isBlank() ? null : JSON.readTree(response.body());
        return new Response(response.statusCode(), json);
    }

    private void heading(String text) {
        System.out.println();
        System.out.println("\u001b[1m" + text + "\u001b[0m");
    }

    private static void step(String format, Object... args) {
        System.out.println("  - " + String.format(format, args));
    }

    private static void show(String label, Response response) {
        var body = response.body() == null ? "" : response.body().toString();
        // Cases carry their whole audit and evidence; the first lines say enough on a terminal.
        System.out.println("  - " + label + ": HTTP " + response.status() + " "
                + (body.length() > 400 ? body.substring(0, 400) + " …" : body));
    }

    private void expect(boolean condition, String what) {
        System.out.println(condition ? "  \u2714 " + what : "  \u2718 expected: " + what);
        if (!condition) {
            failures++;
        }
    }
}
