package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.topics.Topics;
import market.resale.systemtests.AuthzMatrix.Caller;
import market.resale.testsupport.TokenIssuer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.databind.JsonNode;

/**
 * What the matrix is called against: one buyer and one seller with several orders between them
 * (placed on {@code checkout.order-placed} as upstream does), a cancelled order with its credit, a
 * conversation message, cancellation requests, cases with a statement, a quote and a file, redemptions
 * and notifications — all made through the public interfaces. And a token per kind of caller.
 */
final class AuthzWorld {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z]+)(?::([a-zA-Z]+))?}");

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String buyer = "authz-buyer-" + run;
    final String seller = "authz-seller-" + run;
    final String otherBuyer = "authz-buyer2-" + run;
    final String otherSeller = "authz-seller2-" + run;
    final String agent = "authz-agent-" + run;
    final String carrier = "authz-carrier-" + run;
    final Map<Caller, String> tokens = new EnumMap<>(Caller.class);
    final Map<String, String> orders = new LinkedHashMap<>();
    final Map<String, String> cases = new HashMap<>();
    final Map<String, String> requests = new HashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    String cancelCommand;
    long seq;
    String messageId;
    String file;
    String buyerCaseCommand;
    String sellerCaseCommand;
    String buyerConversationCommand;
    String sellerConversationCommand;
    String buyerRedemption;
    String sellerRedemption;
    String buyerNotification;
    String sellerNotification;

    private final ServiceProcess ordersService;
    private final ServiceProcess shipping;
    private final ServiceProcess credits;
    private final ServiceProcess messaging;
    private final ServiceProcess support;

    AuthzWorld(ServiceProcess orders, ServiceProcess shipping, ServiceProcess credits, ServiceProcess messaging,
               ServiceProcess support) {
        this.ordersService = orders;
        this.shipping = shipping;
        this.credits = credits;
        this.messaging = messaging;
        this.support = support;
    }

    /** The value of a placeholder for one call by {@code caller}. */
    String resolve(String template, Caller caller) {
        if (template == null) {
            return null;
        }
        var call = calls.incrementAndGet();
        var owner = caller == Caller.BUYER_OWNER ? buyer : caller == Caller.SELLER_OWNER ? seller : null;
        Matcher m = PLACEHOLDER.matcher(template);
        var out = new StringBuilder();
        while (m.find()) {
            var name = m.group(1);
            var arg = m.group(2);
            String value = switch (name) {
                case "order" -> orders.get(arg == null ? "main" : arg);
                // Each owner cancels an order of their own (a cancellation is final); anyone else names the main order.
                case "ownOrder" -> orders.get(caller == Caller.BUYER_OWNER ? "freshBuyer" : caller == Caller.SELLER_OWNER
                        ? "freshSeller" : "main");
                case "case" -> cases.get(arg == null ? "main" : arg);
                case "request" -> requests.get(arg);
                case "buyer" -> buyer;
                case "seller" -> seller;
                case "agent" -> agent;
                case "account" -> owner != null ? owner : buyer;
                case "redemption" -> caller == Caller.SELLER_OWNER ? sellerRedemption : buyerRedemption;
                case "notification" -> caller == Caller.SELLER_OWNER ? sellerNotification : buyerNotification;
                case "caseCommand" -> caller == Caller.SELLER_OWNER ? sellerCaseCommand : buyerCaseCommand;
                case "conversationCommand" -> caller == Caller.SELLER_OWNER ? sellerConversationCommand : buyerConversationCommand;
                case "cancelCommand" -> cancelCommand;
                case "seq" -> Long.toString(seq);
                case "messageId" -> messageId;
                case "file" -> file;
                case "now" -> Instant.now().toString();
                case "call" -> run + "-" + call;
                default -> null;
            };
            if (value == null) {
                throw new IllegalStateException("Nothing seeded for " + m.group() + " in " + template);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    String token(Caller caller) {
        return tokens.get(caller);
    }

    void seed(KafkaProducer<String, SpecificRecord> upstream) throws Exception {
        tokens.put(Caller.FORGED, allRoles(new RSAKeyGenerator(2048).keyID(FuzzTokens.issuerKey().getKeyID()).generate(),
                Instant.now().plus(Duration.ofHours(1))));
        tokens.put(Caller.EXPIRED, allRoles(FuzzTokens.issuerKey(), Instant.now().minus(Duration.ofHours(1))));
        tokens.put(Caller.BUYER_OWNER, ordersService.token(buyer, "BUYER"));
        tokens.put(Caller.BUYER_OTHER, ordersService.token(otherBuyer, "BUYER"));
        tokens.put(Caller.SELLER_OWNER, ordersService.token(seller, "SELLER"));
        tokens.put(Caller.SELLER_OTHER, ordersService.token(otherSeller, "SELLER"));
        tokens.put(Caller.SUPPORT, ordersService.token(agent, "SUPPORT"));
        tokens.put(Caller.CARRIER, ordersService.carrierToken(carrier, "UPS"));
        tokens.put(Caller.CARRIER_OTHER, ordersService.carrierToken(carrier + "-usps", "USPS"));
        var b = token(Caller.BUYER_OWNER);
        var s = token(Caller.SELLER_OWNER);
        var a = token(Caller.SUPPORT);

        var now = Instant.now();
        var late = now.minus(Duration.ofHours(4));
        for (var name : List.of("main", "freshBuyer", "freshSeller", "cancelled", "cases")) {
            place(upstream, name, now);
        }
        for (var name : List.of("late", "lateApprove", "lateDecline")) {
            place(upstream, name, late);
        }
        for (var orderId : orders.values()) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                    ordersService.get("/orders/" + orderId, b).status() == 200
                            && messaging.get("/orders/" + orderId + "/conversation", b).status() == 200
                            && shipping.get("/orders/" + orderId + "/shipment", a).status() == 200);
        }

        // The main order's parcel is with UPS: its first scan binds it to that carrier.
        var ups = token(Caller.CARRIER);
        var labelled = shipping.post("/carrier/scans", ups, "{\"scanId\":\"authz-label-" + run + "\",\"orderId\":\"" + orders.get("main")
                + "\",\"trackingNumber\":\"1Z-AUTHZ\",\"carrier\":\"UPS\",\"scanType\":\"LABEL_CREATED\",\"scannedAt\":\"" + now + "\"}",
                Map.of());
        assertThat(labelled.status()).as("seed: label scan").isEqualTo(202);
        await().atMost(WAIT).until(() -> "UPS".equals(shipping.get("/orders/" + orders.get("main") + "/shipment", a).body().path("carrier")
                .asString(null)));

        // A cancelled order: the buyer's cancellation (its command id), the buyer's credit.
        var key = "authz-cancel-" + run;
        var cancelled = ordersService.post("/orders/" + orders.get("cancelled") + "/cancellations", b,
                "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}", Map.of("Idempotency-Key", key));
        assertThat(cancelled.status()).as("seed: cancel").isIn(200, 202);
        cancelCommand = buyer + ":" + key;
        await().atMost(WAIT).until(() -> "CANCELLED".equals(
                ordersService.get("/orders/" + orders.get("cancelled"), b).body().get("status").asString()));

        // A message of the main order's conversation.
        var messageKey = "authz-message-" + run;
        var message = messaging.post("/orders/" + orders.get("main") + "/conversation/messages", b,
                "{\"text\":\"Is it still available?\"}", Map.of("Idempotency-Key", messageKey));
        assertThat(message.status()).as("seed: message").isIn(200, 201);
        buyerConversationCommand = buyer + ":" + messageKey;
        var replyKey = "authz-reply-" + run;
        assertThat(messaging.post("/orders/" + orders.get("main") + "/conversation/messages", s, "{\"text\":\"Yes, it is.\"}",
                Map.of("Idempotency-Key", replyKey)).status()).as("seed: the seller's reply").isIn(200, 201);
        sellerConversationCommand = seller + ":" + replyKey;
        seq = message.body().get("seq").asLong();
        messageId = message.body().get("messageId").asString();

        // Requests to the seller on orders past their window (messaging hears of the window closing in its own time).
        requests.put("approve", requestCancellation(orders.get("lateApprove"), b));
        requests.put("decline", requestCancellation(orders.get("lateDecline"), b));
        await().atMost(WAIT).until(() -> inbox(b).stream().anyMatch(n ->
                orders.get("late").equals(n.path("orderId").asString(null)) && "WINDOW_CLOSED".equals(n.get("kind").asString())));

        // The main case: opened by the buyer, a statement by the seller, a file by the buyer, a quote by the agent.
        var openKey = "authz-open-" + run;
        cases.put("main", openCase(orders.get("main"), "DISPUTE", openKey));
        buyerCaseCommand = buyer + ":" + openKey;
        var statementKey = "authz-statement-" + run;
        assertThat(support.post("/cases/" + cases.get("main") + "/statements", s, "{\"text\":\"I shipped on time.\"}",
                Map.of("Idempotency-Key", statementKey)).status()).as("seed: statement").isIn(200, 201);
        sellerCaseCommand = seller + ":" + statementKey;
        var upload = support.postBytes("/cases/" + cases.get("main") + "/evidence/files?name=receipt.txt", b, "text/plain",
                "The receipt\n".getBytes(StandardCharsets.UTF_8));
        assertThat(upload.status()).as("seed: file").isEqualTo(201);
        file = upload.body().at("/file/fileId").asString();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> support.post("/cases/" + cases.get("main")
                + "/evidence/messages", a, "{\"messageId\":\"" + messageId + "\"}", Map.of()).status() / 100 == 2);

        // Cases to move: one open (review), two in review (mediation, resolution).
        cases.put("review", openCase(orders.get("cases"), "CANCELLATION_REQUEST", null));
        cases.put("mediate", openCase(orders.get("cases"), "COMPLAINT", null));
        cases.put("resolve", openCase(orders.get("cases"), "DISPUTE", null));
        for (var name : List.of("mediate", "resolve")) {
            assertThat(support.post("/cases/" + cases.get(name) + "/review", a, "{}", Map.of()).status())
                    .as("seed: review " + name).isEqualTo(200);
        }

        // Redemptions: the buyer's (from the refund), the seller's (refused: no credit).
        await().atMost(WAIT).until(() -> credits.get("/accounts/" + buyer, b).body().at("/balances/0/amountCents").asLong(0) >= 1_000);
        buyerRedemption = "authz-redeem-b-" + run;
        assertThat(credits.post("/accounts/" + buyer + "/redemptions", b,
                "{\"orderId\":\"authz-purchase\",\"amountCents\":100,\"currency\":\"USD\"}",
                Map.of("Idempotency-Key", buyerRedemption)).status()).as("seed: buyer redemption").isEqualTo(200);
        sellerRedemption = "authz-redeem-s-" + run;
        assertThat(credits.post("/accounts/" + seller + "/redemptions", s,
                "{\"orderId\":\"authz-purchase\",\"amountCents\":100,\"currency\":\"USD\"}",
                Map.of("Idempotency-Key", sellerRedemption)).status()).as("seed: seller redemption").isEqualTo(409);

        // A notification of each owner's.
        await().atMost(WAIT).until(() -> !inbox(b).isEmpty() && !inbox(s).isEmpty());
        buyerNotification = inbox(b).getFirst().get("notificationId").asString();
        sellerNotification = inbox(s).getFirst().get("notificationId").asString();
    }

    private void place(KafkaProducer<String, SpecificRecord> upstream, String name, Instant placedAt) throws Exception {
        var orderId = "authz-" + name + "-" + run;
        var order = OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(buyer).setSellerId(seller)
                .setListingId("l-" + orderId).setTitle("Denim jacket").setSize("M").setCondition(ItemCondition.EXCELLENT)
                .setPriceCents(2_000).setShippingCents(500).setTaxCents(160).setCreditsAppliedCents(0)
                .setCurrency("USD").setPlacedAt(placedAt).build();
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order)).get();
        orders.put(name, orderId);
    }

    private String requestCancellation(String orderId, String token) {
        var id = new String[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            var response = messaging.post("/orders/" + orderId + "/cancellation-requests", token,
                    "{\"reason\":\"CHANGED_MIND\",\"note\":\"Wrong size\"}", Map.of());
            if (response.status() == 201 || response.status() == 200) {
                id[0] = response.body().get("requestId").asString();
                return true;
            }
            return false;
        });
        return id[0];
    }

    /** Opened by the buyer, retried until support has heard of the order. */
    private String openCase(String orderId, String type, String idempotencyKey) {
        var id = new String[1];
        var headers = idempotencyKey == null ? Map.<String, String>of() : Map.of("Idempotency-Key", idempotencyKey);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
            var response = support.post("/cases", token(Caller.BUYER_OWNER), "{\"orderId\":\"" + orderId + "\",\"type\":\""
                    + type + "\",\"description\":\"Seeded by the authorization matrix\"}", headers);
            if (response.status() == 201) {
                id[0] = response.body().get("caseId").asString();
                return true;
            }
            return false;
        });
        return id[0];
    }

    private List<JsonNode> inbox(String token) {
        var body = messaging.get("/notifications?size=100", token).body();
        return StreamSupport.stream(body.get("notifications").spliterator(), false).toList();
    }

    /** The buyer's claims with every role, as the issuer would issue them, signed by {@code key}, expiring at {@code expiresAt}. */
    private String allRoles(RSAKey key, Instant expiresAt) {
        var claims = new JWTClaimsSet.Builder().issuer(TokenIssuer.shared().url()).subject(buyer).audience(TokenIssuer.AUDIENCE)
                .issueTime(Date.from(expiresAt.minus(Duration.ofHours(8)))).expirationTime(Date.from(expiresAt))
                .claim("roles", List.of("BUYER", "SELLER", "SUPPORT", "CARRIER")).build();
        return FuzzTokens.sign(key, claims, c -> { });
    }
}
