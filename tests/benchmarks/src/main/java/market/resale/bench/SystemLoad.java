package market.resale.bench;

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
import java.util.concurrent.atomic.AtomicLong;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.TokenIssuer;
import org.HdrHistogram.Histogram;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

/**
 * An open-loop load on the running system as its upstream apps make it. Checkout places orders on
 * {@code checkout.order-placed} at a fixed rate (Avro through the registry); one second later, as
 * planned per order, buyers ask over HTTP to cancel and the carrier scans. Every order has a plan, so
 * its outcome is known in advance:
 * <ul>
 *   <li>3 in 10 {@link Plan#CANCEL}: cancelled inside the window; cancelled once, credited once with its refund;</li>
 *   <li>1 in 10 {@link Plan#CANCEL_DUPLICATED}: the request sent twice with one Idempotency-Key (a client's
 *       retry) and once more with another key; cancelled and credited once, the other key refused ALREADY_CANCELLED;</li>
 *   <li>1 in 10 {@link Plan#AFTER_WINDOW}: placed four hours ago in event time (its {@code placedAt}), so the
 *       window closed without anyone waiting; refused WINDOW_EXPIRED;</li>
 *   <li>1 in 10 {@link Plan#RACE_SCAN}: the request and the first scan sent at the same moment; either
 *       cancelled and credited, or refused ALREADY_SHIPPED, never both;</li>
 *   <li>2 in 10 {@link Plan#SHIPPED} and 2 in 10 {@link Plan#PLACED}: no request; never cancelled or credited.</li>
 * </ul>
 * Requests are sent asynchronously at their scheduled time, whatever the system's answers so far (open
 * loop), and kept like a client with a retry policy: the same request again, same key, after a 404 (order
 * not known yet), 429, 503 or a refused connection. Latency is measured from the scheduled send time.
 */
final class SystemLoad implements AutoCloseable {

    enum Plan { CANCEL, CANCEL_DUPLICATED, AFTER_WINDOW, RACE_SCAN, SHIPPED, PLACED }

    private static final Plan[] MIX = {Plan.CANCEL, Plan.CANCEL, Plan.CANCEL, Plan.CANCEL_DUPLICATED, Plan.AFTER_WINDOW,
            Plan.RACE_SCAN, Plan.SHIPPED, Plan.SHIPPED, Plan.PLACED, Plan.PLACED};
    /** Commands (distinct cancellation requests) per order of each plan, and so decisions expected. */
    static final double DECISIONS_PER_ORDER = (3 * 1 + 2 + 1 + 1) / 10.0;
    /** Records and requests the system takes in per order: the placement, 0.3 scans, 0.8 HTTP requests. */
    static final double INPUT_EVENTS_PER_ORDER = 1 + 0.3 + (3 + 3 + 1 + 1) / 10.0;
    private static final Duration FOLLOW_UP = Duration.ofSeconds(1);
    private static final Duration GIVE_UP = Duration.ofSeconds(90);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One order of the load and what happened to it on the client's side. */
    static final class Order {
        final String id;
        final String buyer;
        final Plan plan;
        final long priceCents;
        final int step;
        volatile long cancelScheduledNanos;
        final java.util.concurrent.atomic.AtomicBoolean creditTimed = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicBoolean cancellationTimed = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.Set<String> keysSent = ConcurrentHashMap.newKeySet();

        Order(String id, String buyer, Plan plan, long priceCents, int step) {
            this.id = id;
            this.buyer = buyer;
            this.plan = plan;
            this.priceCents = priceCents;
            this.step = step;
        }
    }

    /** One step as the load saw it: what it sent, and how quickly decisions and credits followed. */
    record Step(int ordersPerSecond, Duration length, long orders, long requests, long commandsDue, long decided,
                long backlogAtStart, long backlogAtEnd, Histogram creditLatency, Histogram httpLatency,
                Histogram cancellationLatency) {

        double decisionsPerSecond() {
            return decided / (length.toNanos() / 1e9);
        }

        /** Sustained when the backlog of undecided commands grew by no more than half a second of decisions. */
        boolean sustained() {
            return backlogAtEnd - backlogAtStart <= Math.max(10, ordersPerSecond * DECISIONS_PER_ORDER / 2);
        }

        long inputEvents() {
            return Math.round(orders * INPUT_EVENTS_PER_ORDER);
        }
    }

    private final String ordersUrl;
    private final String issuerUrl;
    private final String run;
    private final int buyers;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, Order> orders = new ConcurrentHashMap<>();
    private final Map<Integer, Histogram> creditLatency = new ConcurrentHashMap<>();
    private final Map<Integer, Histogram> httpLatency = new ConcurrentHashMap<>();
    private final Map<Integer, Histogram> cancellationLatency = new ConcurrentHashMap<>();
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<SpecificRecord> serializer;
    private final HttpClient http;
    private final java.util.concurrent.ExecutorService httpThreads = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final AtomicLong commandsDue = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong sequence = new AtomicLong();
    private int steps;

    SystemLoad(String bootstrap, SchemaRegistryClient registry, String ordersUrl, String issuerUrl, String run, int buyers) {
        this.ordersUrl = ordersUrl;
        this.issuerUrl = issuerUrl;
        this.run = run;
        this.buyers = buyers;
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serializer = new AvroSerializer<>(registry, false);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .executor(httpThreads).build();
    }

    /** Tokens for every buyer from the stack's token issuer, fetched before any step. */
    SystemLoad mintTokens() {
        java.util.stream.IntStream.range(0, buyers).parallel().mapToObj(this::buyer)
                .forEach(buyer -> tokens.put(buyer, TokenIssuer.tokenFrom(issuerUrl, buyer, "BUYER")));
        return this;
    }

    String token(String buyer) {
        return tokens.get(buyer);
    }

    String buyer(int i) {
        return "bench-" + run + "-buyer-" + i;
    }

    /** Called by the watcher for every cancellation it sees: the decision's half of the path, read committed. */
    void cancellationSeen(String orderId, long nanos) {
        var order = orders.get(orderId);
        if (order != null && order.cancelScheduledNanos != 0 && order.cancellationTimed.compareAndSet(false, true)) {
            record(cancellationLatency.get(order.step), nanos - order.cancelScheduledNanos);
        }
    }

    private static void record(Histogram histogram, long nanos) {
        synchronized (histogram) {
            histogram.recordValue(Math.min(Math.max(0, nanos), histogram.getHighestTrackableValue()));
        }
    }

    /** Called by the watcher for every credit it sees: the first credit of an order ends its latency. */
    void creditSeen(String orderId, long nanos) {
        var order = orders.get(orderId);
        // Only an order's first credit is timed (a second one would be a duplicate, counted apart).
        if (order != null && order.cancelScheduledNanos != 0 && order.creditTimed.compareAndSet(false, true)) {
            var histogram = creditLatency.get(order.step);
            synchronized (histogram) {
                histogram.recordValue(Math.min(Math.max(0, nanos - order.cancelScheduledNanos), histogram.getHighestTrackableValue()));
            }
        }
    }

    /** Runs one open-loop step: places {@code ordersPerSecond} orders each second for {@code length}. */
    Step run(int ordersPerSecond, Duration length, Watcher watcher) throws InterruptedException {
        int step = steps++;
        creditLatency.put(step, new Histogram(TimeUnit.MINUTES.toNanos(10), 3));
        httpLatency.put(step, new Histogram(TimeUnit.MINUTES.toNanos(10), 3));
        cancellationLatency.put(step, new Histogram(TimeUnit.MINUTES.toNanos(10), 3));
        long decidedAtStart = watcher.decisions();
        long backlogAtStart = commandsDue.get() - decidedAtStart;
        long interval = 1_000_000_000L / ordersPerSecond;
        long count = length.toNanos() / interval;
        long requestsAtStart = requests.get();
        var started = System.nanoTime();
        for (long n = 0; n < count; n++) {
            long scheduled = started + n * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the open-loop schedule itself, not a wait for a result
            }
            place(step, scheduled);
        }
        var elapsed = Duration.ofNanos(System.nanoTime() - started);
        long decidedAtEnd = watcher.decisions();
        return new Step(ordersPerSecond, elapsed, count, requests.get() - requestsAtStart, commandsDue.get(),
                decidedAtEnd - decidedAtStart, backlogAtStart, commandsDue.get() - decidedAtEnd, creditLatency.get(step),
                httpLatency.get(step), cancellationLatency.get(step));
    }

    private void place(int step, long scheduled) {
        long i = sequence.getAndIncrement();
        var plan = MIX[(int) (i % MIX.length)];
        var buyer = buyer((int) (i % buyers));
        var order = new Order("bench-" + run + "-" + i, buyer, plan, 1_000 + i % 900, step);
        orders.put(order.id, order);
        var placedAt = plan == Plan.AFTER_WINDOW ? Instant.now().minus(Duration.ofHours(4)) : Instant.now();
        send(Topics.ORDER_PLACED.name(), order.id, OrderPlaced.newBuilder()
                .setOrderId(order.id).setBuyerId(buyer).setSellerId("bench-" + run + "-seller-" + (i % 50))
                .setListingId("l-" + order.id).setTitle("Wool coat").setSize("M").setCondition(ItemCondition.GOOD)
                .setPriceCents(order.priceCents).setShippingCents(400).setTaxCents(80).setCreditsAppliedCents(0)
                .setCurrency("USD").setPlacedAt(placedAt).build());
        long followUp = scheduled + FOLLOW_UP.toNanos();
        switch (plan) {
            case CANCEL, AFTER_WINDOW -> cancel(order, "k1-" + order.id, followUp);
            case CANCEL_DUPLICATED -> {
                cancel(order, "k1-" + order.id, followUp);
                cancel(order, "k1-" + order.id, followUp);                // the client's retry: the same command
                cancel(order, "k2-" + order.id, followUp + 500_000_000L); // a second command
            }
            case RACE_SCAN -> {
                cancel(order, "k1-" + order.id, followUp);
                scan(order, followUp);
            }
            case SHIPPED -> scan(order, followUp);
            case PLACED -> {
            }
        }
    }

    private void scan(Order order, long at) {
        at(at, () -> send(Topics.CARRIER_SCANS.name(), order.id, CarrierScan.newBuilder().setScanId("scan-" + order.id)
                .setOrderId(order.id).setTrackingNumber("1Z" + Math.abs(order.id.hashCode())).setCarrier("UPS")
                .setScanType(ScanType.ACCEPTED).setScannedAt(Instant.now()).build()));
    }

    private void cancel(Order order, String key, long at) {
        if (order.cancelScheduledNanos == 0) {
            order.cancelScheduledNanos = at;
        }
        open.incrementAndGet();
        at(at, () -> {
            requests.incrementAndGet();
            if (order.keysSent.add(key)) {
                commandsDue.incrementAndGet(); // a resend with the same key is the same command: one decision
            }
            attempt(order, key, at);
        });
    }

    private void attempt(Order order, String key, long scheduled) {
        var request = HttpRequest.newBuilder(URI.create(ordersUrl + "/orders/" + order.id + "/cancellations"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tokens.get(order.buyer))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                // The buyer confirms what checkout showed them: a placed order is version 1 (rule 7 requires the version).
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}")).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            int status = error != null ? -2 : response.statusCode();
            boolean retry = status == -2 || status == 404 || status == 429 || status == 503;
            if (retry && System.nanoTime() - scheduled < GIVE_UP.toNanos()) {
                long after = response == null ? 200 : response.headers().firstValue("Retry-After")
                        .map(s -> Long.parseLong(s) * 1_000).orElse(200L);
                scheduler.schedule(() -> attempt(order, key, scheduled), Math.min(after, 2_000), TimeUnit.MILLISECONDS);
                return;
            }
            var histogram = httpLatency.get(order.step);
            synchronized (histogram) {
                histogram.recordValue(Math.min(Math.max(0, System.nanoTime() - scheduled), histogram.getHighestTrackableValue()));
            }
            if (status != 200 && status != 202 && status != 409) {
                failures.add(order.id + " " + key + ": HTTP " + status + (response == null ? " " + error : " " + response.body()));
            }
            open.decrementAndGet();
        });
    }

    private void at(long nanos, Runnable action) {
        scheduler.schedule(action, Math.max(0, nanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void send(String topic, String key, SpecificRecord value) {
        producer.send(new ProducerRecord<>(topic, key, serializer.serialize(topic, value)), (metadata, e) -> {
            if (e != null) {
                failures.add("send to " + topic + " failed: " + e);
            }
        });
    }

    /** Requests not answered yet (including those waiting to be retried). */
    long open() {
        return open.get();
    }

    long commandsDue() {
        return commandsDue.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    List<Order> orders() {
        return List.copyOf(orders.values());
    }

    /** Every order's outcome against its plan; one line per mismatch. */
    List<String> mismatches(Watcher watcher) {
        var mismatches = new ArrayList<String>();
        for (var order : orders.values()) {
            var seen = watcher.of(order.id);
            int cancelled = seen == null ? 0 : seen.cancelledCommands.size();
            int credited = seen == null ? 0 : seen.credits.size();
            var rejections = seen == null ? List.<String>of() : seen.rejections.stream().map(r -> r.substring(0, r.indexOf(':'))).toList();
            // A credit is of the refund's total and names the cancellation it pays for.
            boolean creditRight = credited == 0 || (seen.credits.get(0) == seen.refundTotal && seen.refundTotal > 0
                    && cancelled > 0 && seen.creditCommands.get(0).equals(seen.cancelledCommands.get(0)));
            boolean ok = switch (order.plan) {
                case CANCEL -> cancelled == 1 && credited == 1 && rejections.isEmpty();
                case CANCEL_DUPLICATED -> cancelled == 1 && credited == 1 && rejections.equals(List.of("ALREADY_CANCELLED"));
                case AFTER_WINDOW -> cancelled == 0 && credited == 0 && rejections.equals(List.of("WINDOW_EXPIRED"));
                case RACE_SCAN -> (cancelled == 1 && credited == 1 && rejections.isEmpty())
                        || (cancelled == 0 && credited == 0 && rejections.equals(List.of("ALREADY_SHIPPED")));
                case SHIPPED, PLACED -> cancelled == 0 && credited == 0 && rejections.isEmpty();
            };
            if (!ok || !creditRight) {
                mismatches.add(order.id + " " + order.plan + ": cancelled " + cancelled + ", credited " + credited
                        + (creditRight ? "" : " (credit " + seen.credits + " for " + seen.creditCommands + " vs refund "
                        + seen.refundTotal + " of " + seen.cancelledCommands + ")")
                        + ", refused " + rejections);
            }
        }
        return mismatches;
    }

    /** Orders credited more than once. */
    long duplicateCredits(Watcher watcher) {
        return orders.keySet().stream().map(watcher::of).filter(s -> s != null && s.credits.size() > 1).count();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(10));
        http.shutdownNow();
        httpThreads.shutdownNow();
    }
}
