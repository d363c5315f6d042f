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
    private String buyerToken;
    private String sellerToken;
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
        step("Demo users: buyer %s and seller %s (tokens from the local profile's /dev/tokens)", buyer, seller);
        buyerToken = token(buyer, "BUYER");
        sellerToken = token(seller, "SELLER");

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
        var refusedLate = call("orders", "POST", "/orders/" + late + "/cancellations", buyerToken, "{\"reason\":\"CHANGED_MIND\"}");
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
        var refusedShipped = call("orders", "POST", "/orders/" + shipped + "/cancellations", buyerToken, "{\"reason\":\"CHANGED_MIND\"}");
        show("refusal", refusedShipped);
        expect(refusedShipped.status() == 409 && "already-shipped".equals(refusedShipped.body().get("code").asString())
                && refusedShipped.body().get("detail").asString().contains("TRK-" + shipped), "refused: already-shipped, names the tracking number");

        // 4. The seller cancels (before shipping), even after the buyer's window.
        heading("4. The seller cancels an unshipped order placed 5 hours ago");
        var sellerCancel = placeOrder(Instant.now().minus(Duration.ofHours(5)), 1_800, 400, 0, 0);
        await("orders", "GET", "/orders/" + sellerCancel, sellerToken, null, r -> r.status() == 200);
        var bySeller = call("orders", "POST", "/orders/" + sellerCancel + "/cancellations", sellerToken, "{\"reason\":\"ITEM_UNAVAILABLE\"}");
        show("seller's cancellation", bySeller);
        expect(bySeller.status() == 200 && "CANCELLED".equals(bySeller.body().get("status").asString()), "the seller's cancellation is applied");
        var afterSeller = await("credits", "GET", "/accounts/" + buyer, buyerToken, null,
                r -> r.body().at("/balances/0/amountCents").asLong() == 6_157 + 2_200);
        show("buyer's store credit", afterSeller);

        // 5. Credit is never paid out as cash.
        heading("5. The buyer asks to cash out the credit");
        var cashOut = call("credits", "POST", "/accounts/" + buyer + "/cash-outs", buyerToken, "{}");
        show("answer", cashOut);
        expect(cashOut.status() == 422 && "cash-out-not-supported".equals(cashOut.body().get("code").asString()), "cash-out refused");

        heading(failures == 0 ? "All scenarios behaved as the guide says." : failures + " scenario check(s) failed.");
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

    private String token(String userId, String role) throws Exception {
        var response = call("orders", "POST", "/dev/tokens", null,
                "{\"userId\":\"" + userId + "\",\"roles\":[\"" + role + "\"]}");
        if (response.status() != 200) {
            throw new IllegalStateException("Could not mint a token (is the stack running with the local profile?): " + response);
        }
        return response.body().get("token").asString();
    }

    record Response(int status, JsonNode body) {
    }

    private Response await(String service, String method, String path, String token, String body, Predicate<Response> done)
            throws Exception {
        var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
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
        System.out.println("  - " + label + ": HTTP " + response.status() + " " + (response.body() == null ? "" : response.body()));
    }

    private void expect(boolean condition, String what) {
        System.out.println(condition ? "  \u2714 " + what : "  \u2718 expected: " + what);
        if (!condition) {
            failures++;
        }
    }
}
