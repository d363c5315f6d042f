package market.resale.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.serde.AvroDeserializer;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The separate read-committed consumer that sees what the system decided, as a downstream app would:
 * every cancellation, refusal and credit issued from the moment it starts, by order. Only what is
 * committed is seen, so a credit counts when a reader could act on it. Each arrival is timed on this
 * machine's monotonic clock, the same one the load schedules its requests on.
 */
final class Watcher implements AutoCloseable {

    /** What the system said about one order. */
    static final class Seen {
        final List<String> cancelledCommands = new ArrayList<>();
        final List<String> rejections = new ArrayList<>();   // CODE:commandId
        final List<Long> credits = new ArrayList<>();         // amounts
        final List<String> creditCommands = new ArrayList<>();
        long refundTotal = -1;
    }

    private final Map<String, Seen> byOrder = new ConcurrentHashMap<>();
    private final AtomicLong decisions = new AtomicLong();
    private final AtomicLong credits = new AtomicLong();
    private final AtomicLong decisionBytes = new AtomicLong();
    private final AtomicLong creditBytes = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final java.util.function.BiConsumer<String, Long> onCredit;
    private final java.util.function.BiConsumer<String, Long> onCancelled;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
    private volatile RuntimeException failure;

    /** {@code onCancelled}, {@code onCredit}: called with the order id and the arrival time (nanoTime) of each cancellation, each credit. */
    Watcher(String bootstrap, SchemaRegistryClient registry, java.util.function.BiConsumer<String, Long> onCancelled,
            java.util.function.BiConsumer<String, Long> onCredit) {
        this.onCancelled = onCancelled;
        this.onCredit = onCredit;
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var cancelled = new AvroDeserializer<>(registry, OrderCancelled.class);
        var rejected = new AvroDeserializer<>(registry, CancellationRejected.class);
        var issued = new AvroDeserializer<>(registry, CreditIssued.class);
        thread = Thread.ofPlatform().name("bench-watcher").start(() -> {
            try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                var partitions = new ArrayList<TopicPartition>();
                for (var topic : List.of(Topics.ORDER_CANCELLED.name(), Topics.CANCELLATION_REJECTED.name(), Topics.CREDIT_ISSUED.name())) {
                    consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // resolve "the end" now, before any load is sent
                assigned.countDown();
                while (!stop.get()) {
                    for (var record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.nanoTime();
                        if (record.topic().equals(Topics.ORDER_CANCELLED.name())) {
                            var event = cancelled.deserialize(record.topic(), record.value());
                            var seen = seen(event.getOrderId());
                            synchronized (seen) {
                                seen.cancelledCommands.add(event.getCommandId());
                                seen.refundTotal = event.getRefund().getTotalCents();
                            }
                            decisions.incrementAndGet();
                            decisionBytes.addAndGet(record.serializedValueSize());
                            onCancelled.accept(event.getOrderId(), now);
                        } else if (record.topic().equals(Topics.CANCELLATION_REJECTED.name())) {
                            var event = rejected.deserialize(record.topic(), record.value());
                            var seen = seen(event.getOrderId());
                            synchronized (seen) {
                                seen.rejections.add(event.getCode() + ":" + event.getCommandId());
                            }
                            decisions.incrementAndGet();
                            decisionBytes.addAndGet(record.serializedValueSize());
                        } else {
                            var event = issued.deserialize(record.topic(), record.value());
                            var seen = seen(event.getOrderId());
                            synchronized (seen) {
                                seen.credits.add(event.getAmountCents());
                                seen.creditCommands.add(event.getCancelCommandId());
                            }
                            credits.incrementAndGet();
                            creditBytes.addAndGet(record.serializedValueSize());
                            onCredit.accept(event.getOrderId(), now);
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
                assigned.countDown();
            }
        });
    }

    /** Blocks until the watcher reads from the end of its topics as they were when it started. */
    Watcher awaitAssigned() throws InterruptedException {
        if (!assigned.await(60, java.util.concurrent.TimeUnit.SECONDS) || failure != null) {
            throw new IllegalStateException("The watcher could not start", failure);
        }
        return this;
    }

    private Seen seen(String orderId) {
        return byOrder.computeIfAbsent(orderId, id -> new Seen());
    }

    Seen of(String orderId) {
        return byOrder.get(orderId);
    }

    /** Decisions (cancellations and refusals) seen so far. */
    long decisions() {
        check();
        return decisions.get();
    }

    long credits() {
        check();
        return credits.get();
    }

    /** Average size of a decision's and of a credit's value as written (Avro with the registry's 5-byte header). */
    int averageRecordBytes() {
        long n = decisions.get() + credits.get();
        return n == 0 ? 0 : (int) ((decisionBytes.get() + creditBytes.get()) / n);
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("The watcher stopped", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(java.util.concurrent.TimeUnit.SECONDS.toMillis(30));
    }
}
