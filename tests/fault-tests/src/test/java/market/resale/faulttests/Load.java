package market.resale.faulttests;

import java.io.IOException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ProcessStack;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A steady, open-loop load as the upstream apps make it, keeping the four command-taking services busy:
 * checkout places orders at a fixed rate (Avro on {@code checkout.order-placed}); the carrier scans a share
 * of them; buyers cancel a share over HTTP (some 0.2 s after the scan is sent, racing it) and write to the
 * seller; past their own window (orders placed 4 h back in event time) buyers ask the seller, who approves
 * or declines; buyers open complaints with a statement, which an agent assigns, reviews and resolves (with
 * or without ordering the cancellation); buyers spend their store credit. A client keeps an HTTP request
 * until the system <em>accepts</em> it (a 2xx, or a 409: a decided refusal), retrying with the same
 * {@code Idempotency-Key} on a refused connection, a 404 of something not known yet, a 429 or a 5xx, as an
 * app with a retry policy does; a 202 is followed at its {@code Location} until decided. Every answer a
 * client was given is kept ({@link #told()}): the fault test holds each against the system's final state.
 */
final class Load implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BUYERS = 24;
    private static final int SELLERS = 8;
    static final String AGENT = "fault-agent";
    static final long REDEMPTION_CENTS = 300;
    private static final Duration GIVE_UP = Duration.ofMinutes(4);

    /** What happened to one order of the load. */
    static final class Order {
        final String id;
        final String buyer;
        final int plan;
        volatile boolean scanned;
        volatile String cancelCommandId;   // accepted cancellation (buyer:key)
        volatile String message;           // accepted message text
        volatile String requestId;         // accepted request to the seller
        volatile String caseId;            // accepted complaint
        volatile String redemptionKey;     // accepted redemption (its requestId)

        Order(String id, String buyer, int plan) {
            this.id = id;
            this.buyer = buyer;
            this.plan = plan;
        }

        boolean cancels() {
            return plan <= 3 || plan == 5;
        }

        boolean scans() {
            return plan == 4 || plan == 5;
        }

        boolean writes() {
            return plan == 6;
        }

        /** Placed 4 h back: past the buyer's own window, the buyer asks the seller; every other one is approved. */
        boolean asksTheSeller() {
            return plan == 7;
        }

        boolean sellerApproves() {
            return asksTheSeller() && id.hashCode() % 2 == 0;
        }

        boolean complains() {
            return plan == 8;
        }

        /** The agent resolves every other complaint by ordering the cancellation. */
        boolean supportCancels() {
            return complains() && id.hashCode() % 2 == 0;
        }

        boolean redeems() {
            return plan == 9;
        }

        String seller() {
            return "fault-seller-" + Math.floorMod(id.hashCode(), SELLERS);
        }
    }

    /** What a client was told: the answer to one request of one order's journey ({@code kind}), as it arrived. */
    record Told(Order order, String kind, String key, int status, JsonNode body) {
    }

    /** One request of a journey: who sends what where; {@code then} makes the next one from its accepted answer. */
    private record Step(String kind, String service, String path, String user, String key, String body,
                        java.util.function.Function<Answer, Step> then) {
    }

    private final ProcessStack stack;
    private final String run;
    private final int perSecond;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<Order> orders = java.util.Collections.synchronizedList(new ArrayList<>());
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService checkout = Executors.newSingleThreadScheduledExecutor();
    private final ScheduledExecutorService clients = Executors.newScheduledThreadPool(4);
    // Sends go through one thread in arrival order, so that a producer blocked by a broker outage does
    // not hold up arrivals: the load stays open-loop, records queue up as they would in an upstream app.
    private final java.util.concurrent.ExecutorService sender = Executors.newSingleThreadExecutor();
    private final AtomicInteger scansDue = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();          // HTTP requests not accepted yet
    private final AtomicInteger retries = new AtomicInteger();
    private final AtomicInteger sendErrors = new AtomicInteger();
    private final AtomicLong longestWaitMillis = new AtomicLong();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Told> told = java.util.Collections.synchronizedList(new ArrayList<>());

    Load(ProcessStack stack, String run, int perSecond) {
        this.stack = stack;
        this.run = run;
        this.perSecond = perSecond;
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // An upstream producer rides out a broker restart: records wait in its buffer, then go.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        serializer.configure(Map.of(RegistrySettings.URL, stack.registryUrl()), false);
        for (int i = 0; i < BUYERS; i++) {
            tokens.put(buyer(i), mint(buyer(i), "BUYER"));
        }
        for (int i = 0; i < SELLERS; i++) {
            tokens.put("fault-seller-" + i, mint("fault-seller-" + i, "SELLER"));
        }
        tokens.put(AGENT, mint(AGENT, "SUPPORT"));
    }

    void start() {
        checkout.scheduleAtFixedRate(this::placeOne, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    /** Stops placing orders and waits until every record of the load is sent; the HTTP requests begun go on until accepted. */
    void stopPlacing() throws Exception {
        checkout.shutdown();
        checkout.awaitTermination(5, TimeUnit.MINUTES);
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(5)).until(() -> scansDue.get() == 0);
        sender.submit(producer::flush).get(5, TimeUnit.MINUTES);
    }

    int placed() {
        return sequence.get();
    }

    int openRequests() {
        return open.get();
    }

    int retries() {
        return retries.get();
    }

    int sendErrors() {
        return sendErrors.get();
    }

    long longestWaitMillis() {
        return longestWaitMillis.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    List<Told> told() {
        synchronized (told) {
            return List.copyOf(told);
        }
    }

    List<String> buyers() {
        return java.util.stream.IntStream.range(0, BUYERS).mapToObj(Load::buyer).toList();
    }

    List<Order> orders() {
        synchronized (orders) {
            return List.copyOf(orders);
        }
    }

    String token(String buyer) {
        return tokens.get(buyer);
    }

    private static String buyer(int i) {
        return "fault-buyer-" + i;
    }

    private void placeOne() {
        int i = sequence.getAndIncrement();
        var order = new Order("f-" + run + "-" + i, buyer(i % BUYERS), i % 10);
        orders.add(order);
        place(order, i);
        if (order.scans()) {
            scansDue.incrementAndGet();
            clients.schedule(() -> {
                scan(order.id, Instant.now());
                order.scanned = true;
                scansDue.decrementAndGet();
            }, 1_000, TimeUnit.MILLISECONDS);
        }
        if (order.cancels()) {
            var key = "cancel-" + order.id;
            start(order, new Step("cancel", "orders-service", "/orders/" + order.id + "/cancellations", order.buyer, key,
                    "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}", answer -> {
                        order.cancelCommandId = order.buyer + ":" + key;
                        return null;
                    }), order.plan == 5 ? 1_200 : 500);
        }
        if (order.writes()) {
            var text = "Is it still available? " + order.id;
            start(order, new Step("message", "messaging-service", "/orders/" + order.id + "/conversation/messages", order.buyer,
                    "msg-" + order.id, "{\"text\":\"" + text + "\"}", answer -> {
                        order.message = text;
                        return null;
                    }), 500);
        }
        if (order.asksTheSeller()) {
            start(order, askTheSeller(order, 1), 500);
        }
        if (order.complains()) {
            start(order, complain(order), 500);
        }
        if (order.redeems()) {
            var key = "redeem-" + order.id;
            start(order, new Step("redemption", "credits-service", "/accounts/" + order.buyer + "/redemptions", order.buyer, key,
                    "{\"orderId\":\"buy-" + order.id + "\",\"amountCents\":" + REDEMPTION_CENTS + ",\"currency\":\"USD\"}",
                    answer -> {
                        order.redemptionKey = key;
                        return null;
                    }), 500);
        }
    }

    /**
     * The buyer asks the seller (rule 4), who approves or declines the request. Refused {@code window-still-open}
     * (messaging has not heard yet that the window closed), the buyer's app asks again a second later, as a new request.
     */
    private Step askTheSeller(Order order, int attempt) {
        return new Step("seller-request", "messaging-service", "/orders/" + order.id + "/cancellation-requests", order.buyer,
                "ask-" + attempt + "-" + order.id, "{\"reason\":\"CHANGED_MIND\",\"note\":\"Ordered twice\"}", asked -> {
                    if (asked.status() == 409 && "window-still-open".equals(asked.body().path("code").asString(null)) && attempt < 20) {
                        start(order, askTheSeller(order, attempt + 1), 1_000);
                        return null;
                    }
                    var requestId = asked.body() == null ? null : asked.body().path("requestId").asString(null);
                    if (asked.status() != 200 && asked.status() != 201 || requestId == null) {
                        return null;
                    }
                    order.requestId = requestId;
                    var path = "/orders/" + order.id + "/cancellation-requests/" + requestId;
                    return order.sellerApproves()
                            ? new Step("seller-approval", "messaging-service", path + "/approval", order.seller(),
                                    "approve-" + order.id, "{}", answered -> null)
                            : new Step("seller-decline", "messaging-service", path + "/decline", order.seller(),
                                    "decline-" + order.id, "{\"note\":\"Already packed\"}", answered -> null);
                });
    }

    /** The buyer complains with a statement; an agent assigns, reviews and resolves the case. */
    private Step complain(Order order) {
        return new Step("case-open", "support-service", "/cases", order.buyer, "case-" + order.id, "{\"orderId\":\"" + order.id
                + "\",\"type\":\"COMPLAINT\",\"description\":\"Not as described " + order.id + "\"}", opened -> {
                    var caseId = opened.body() == null ? null : opened.body().path("caseId").asString(null);
                    if (caseId == null) {
                        return null;
                    }
                    order.caseId = caseId;
                    var path = "/cases/" + caseId;
                    var resolution = order.supportCancels()
                            ? "{\"outcome\":\"ORDER_CANCELLATION\",\"reason\":\"Not as described\",\"cancelReason\":\"OTHER\"}"
                            : "{\"outcome\":\"NO_CANCELLATION\",\"reason\":\"As described\"}";
                    return new Step("case-statement", "support-service", path + "/statements", order.buyer, "stmt-" + order.id,
                            "{\"text\":\"The photos showed another colour.\"}",
                            stated -> new Step("case-assignment", "support-service", path + "/assignment", AGENT, "assign-" + order.id,
                                    "{\"agentId\":\"" + AGENT + "\"}",
                                    assigned -> new Step("case-review", "support-service", path + "/review", AGENT, "review-" + order.id,
                                            "{}", reviewed -> new Step("case-resolution", "support-service", path + "/resolution", AGENT,
                                                    "resolve-" + order.id, resolution, resolved -> null))));
                });
    }

    /** Checkout's placement of {@code order} ({@code i} varies the amounts), as checkout sends it. */
    void place(Order order, int i) {
        // Past the buyer's own window for those who ask the seller: placed 4 h back in event time.
        var placedAt = order.asksTheSeller() ? Instant.now().minus(Duration.ofHours(4)) : Instant.now();
        send(Topics.ORDER_PLACED.name(), order.id, OrderPlaced.newBuilder()
                .setOrderId(order.id).setBuyerId(order.buyer).setSellerId(order.seller())
                .setListingId("l-" + order.id).setTitle("Wool coat").setSize("M").setCondition(ItemCondition.GOOD)
                .setPriceCents(1_000 + i % 500).setShippingCents(400).setTaxCents(80).setCreditsAppliedCents(i % 3 == 0 ? 200 : 0)
                .setCurrency("USD").setPlacedAt(placedAt).build(), null);
    }

    /** The carrier's ACCEPTED scan of an order (it ships the order), its record stamped {@code at}. */
    void scan(String orderId, Instant at) {
        send(Topics.CARRIER_SCANS.name(), orderId, CarrierScan.newBuilder().setScanId("scan-" + orderId)
                .setOrderId(orderId).setTrackingNumber("1Z" + Math.abs(orderId.hashCode())).setCarrier("UPS")
                .setScanType(ScanType.ACCEPTED).setScannedAt(at).build(), at.toEpochMilli());
    }

    private void send(String topic, String key, SpecificRecord value, Long timestamp) {
        sender.execute(() -> sendNow(topic, key, value, timestamp));
    }

    private void sendNow(String topic, String key, SpecificRecord value, Long timestamp) {
        try {
            producer.send(new ProducerRecord<>(topic, null, timestamp, key, serializer.serialize(topic, value)), (metadata, e) -> {
                if (e != null) {
                    sendErrors.incrementAndGet();
                    failures.add("send to " + topic + " failed: " + e);
                }
            });
        } catch (RuntimeException e) {
            sendErrors.incrementAndGet();
            failures.add("send to " + topic + " failed: " + e);
        }
    }

    private void start(Order order, Step step, long delayMillis) {
        open.incrementAndGet();
        var began = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        clients.schedule(() -> attempt(order, step, began), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void attempt(Order order, Step step, long began) {
        var response = send(step.service(), step.path(), step.user(), step.key(), step.body());
        if (response.status() == Integer.MIN_VALUE) {
            return; // interrupted: the load is closing
        }
        var status = response.status();
        if (status / 100 == 2 || status == 409) {
            told.add(new Told(order, step.kind(), step.key(), status, response.body()));
            if (status == 202 && response.location() != null) {
                follow(order, step, response.location(), began);
            } else {
                accepted(order, step, response, began);
            }
            return;
        }
        var retryable = status == -1 || status == 404 || status == 429 || status >= 500;
        if (!retryable || System.nanoTime() - began > GIVE_UP.toNanos()) {
            failures.add(step.kind() + " " + step.path() + ": " + status + " " + response.body() + (retryable ? " (gave up)" : ""));
            open.decrementAndGet();
            return;
        }
        retries.incrementAndGet();
        clients.schedule(() -> attempt(order, step, began), Math.min(response.retryAfterMillis(), 5_000), TimeUnit.MILLISECONDS);
    }

    /** A 202: asks where it says until the command is decided, as a client does, and goes on with that answer. */
    private void follow(Order order, Step step, String location, long began) {
        var answer = get(step.service(), location, step.user());
        if (answer.status() == 200 || answer.status() == 409) {
            told.add(new Told(order, step.kind() + " (followed)", step.key(), answer.status(), answer.body()));
            accepted(order, step, new Response(answer.status(), answer.body(), null, 0), began);
        } else if (System.nanoTime() - began > GIVE_UP.toNanos()) {
            failures.add(step.kind() + " " + location + ": still " + answer.status() + " (gave up)");
            open.decrementAndGet();
        } else {
            clients.schedule(() -> follow(order, step, location, began), 500, TimeUnit.MILLISECONDS);
        }
    }

    private void accepted(Order order, Step step, Response response, long began) {
        longestWaitMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), Math::max);
        var next = step.then().apply(new Answer(response.status(), response.body()));
        if (next != null) {
            start(order, next, 0);
        }
        open.decrementAndGet();
    }

    /** One POST's answer: status (-1: no connection), body, Location, Retry-After. */
    private record Response(int status, JsonNode body, String location, long retryAfterMillis) {
    }

    private Response send(String service, String path, String user, String key, String body) {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + path))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + tokens.get(user))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            var json = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), json, response.headers().firstValue("Location").orElse(null),
                    response.headers().firstValue("Retry-After").map(v -> Long.parseLong(v) * 1_000).orElse(500L));
        } catch (IOException | RuntimeException e) {
            return new Response(-1, null, null, 500); // connection refused or reset: the service is down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(Integer.MIN_VALUE, null, null, 0);
        }
    }

    /** GET as the order's buyer: status and body (null body when none). */
    record Answer(int status, JsonNode body) {
    }

    /** One POST as {@code buyer} with an Idempotency-Key, no retry: what the client was told. */
    Answer post(String service, String path, String buyer, String key, String body) {
        var response = send(service, path, buyer, key, body);
        return new Answer(response.status(), response.body());
    }

    /** Waits until every record handed to the producer so far is on the broker. */
    void flush() throws Exception {
        sender.submit(producer::flush).get(5, TimeUnit.MINUTES);
    }

    Answer get(String service, String path, String user) {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + path))
                    .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + tokens.get(user)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
        } catch (IOException e) {
            return new Answer(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String mint(String user, String role) {
        return stack.token(user, role);
    }

    @Override
    public void close() {
        checkout.shutdownNow();
        clients.shutdownNow();
        sender.shutdownNow();
        producer.close(Duration.ofSeconds(10));
    }
}
