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
 * A steady, open-loop load as the upstream apps make it: checkout places orders at a fixed rate (Avro on
 * {@code checkout.order-placed}); the carrier scans a share of them; buyers cancel a share over HTTP
 * (some after the scan, racing it) and write to the seller. A client keeps an HTTP request until the
 * system <em>accepts</em> it (a 2xx, or a 409 that is a decided refusal), retrying with the same
 * {@code Idempotency-Key} on a refused connection, a 404 of an order not known yet, a 429 or a 5xx,
 * as an app with a retry policy does. What was accepted is what the system must not lose.
 */
final class Load implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BUYERS = 24;
    private static final int SELLERS = 8;
    private static final Duration GIVE_UP = Duration.ofMinutes(4);

    /** What happened to one order of the load. */
    static final class Order {
        final String id;
        final String buyer;
        final int plan;
        volatile boolean scanned;
        volatile String cancelCommandId;   // accepted cancellation (buyer:key)
        volatile String message;           // accepted message text

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
            request(order, key, "orders-service", "/orders/" + order.id + "/cancellations",
                    "{\"reason\":\"CHANGED_MIND\"}", order.plan == 5 ? 1_200 : 500);
        }
        if (order.writes()) {
            request(order, "msg-" + order.id, "messaging-service", "/orders/" + order.id + "/conversation/messages",
                    "{\"text\":\"Is it still available? " + order.id + "\"}", 500);
        }
    }

    /** Checkout's placement of {@code order} ({@code i} varies the amounts), as checkout sends it. */
    void place(Order order, int i) {
        send(Topics.ORDER_PLACED.name(), order.id, OrderPlaced.newBuilder()
                .setOrderId(order.id).setBuyerId(order.buyer).setSellerId("fault-seller-" + (i % SELLERS))
                .setListingId("l-" + order.id).setTitle("Wool coat").setSize("M").setCondition(ItemCondition.GOOD)
                .setPriceCents(1_000 + i % 500).setShippingCents(400).setTaxCents(80).setCreditsAppliedCents(i % 3 == 0 ? 200 : 0)
                .setCurrency("USD").setPlacedAt(Instant.now()).build(), null);
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

    private void request(Order order, String key, String service, String path, String body, long delayMillis) {
        open.incrementAndGet();
        var began = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        clients.schedule(() -> attempt(order, key, service, path, body, began), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void attempt(Order order, String key, String service, String path, String body, long began) {
        int status;
        JsonNode answer = null;
        long retryAfter = 500;
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + path))
                    .timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Bearer " + tokens.get(order.buyer))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            if (response.body() != null && !response.body().isBlank()) {
                answer = JSON.readTree(response.body());
            }
            retryAfter = response.headers().firstValue("Retry-After").map(s -> Long.parseLong(s) * 1_000).orElse(500L);
        } catch (IOException | RuntimeException e) {
            status = -1; // connection refused or reset: the service is down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        var accepted = status / 100 == 2 || (status == 409 && answer != null && answer.has("commandId"));
        if (accepted) {
            if (service.equals("orders-service")) {
                order.cancelCommandId = order.buyer + ":" + key;
            } else {
                order.message = "Is it still available? " + order.id;
            }
            longestWaitMillis.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), Math::max);
            open.decrementAndGet();
            return;
        }
        var retryable = status == -1 || status == 404 || status == 429 || status >= 500;
        if (!retryable || System.nanoTime() - began > GIVE_UP.toNanos()) {
            failures.add(service + " " + path + ": " + status + " " + answer + (retryable ? " (gave up)" : ""));
            open.decrementAndGet();
            return;
        }
        retries.incrementAndGet();
        clients.schedule(() -> attempt(order, key, service, path, body, began), Math.min(retryAfter, 5_000), TimeUnit.MILLISECONDS);
    }

    /** GET as the order's buyer: status and body (null body when none). */
    record Answer(int status, JsonNode body) {
    }

    /** One POST as {@code buyer} with an Idempotency-Key, no retry: what the client was told. */
    Answer post(String service, String path, String buyer, String key, String body) {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + tokens.get(buyer))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
        } catch (IOException e) {
            return new Answer(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every record handed to the producer so far is on the broker. */
    void flush() throws Exception {
        sender.submit(producer::flush).get(5, TimeUnit.MINUTES);
    }

    Answer get(String service, String path, String buyer) {
        try {
            var response = http.send(HttpRequest.newBuilder(URI.create(stack.baseUrl(service) + path))
                    .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + tokens.get(buyer)).GET().build(),
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
