package market.resale.messaging.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import market.resale.platform.kafka.KafkaSettings;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Live notifications for the users connected to this instance. A user's stream may be connected to
 * any replica while their inbox lives on one, so every replica reads all of
 * {@code messaging.notifications} itself: a consumer outside any group (all partitions assigned,
 * starting at the end, read_committed so only committed notifications are shown) that hands each
 * record to the streams of its user connected here. It keeps no offsets: a stream shows what happens
 * while it is open; the inbox has the rest.
 */
public class NotificationFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NotificationFeed.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final int BUFFER = 256;

    private final Supplier<Consumer<String, Notification>> consumers;
    private final MeterRegistry meters;
    private final Map<String, Set<FluxSink<Notification>>> sinks = new ConcurrentHashMap<>();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile CountDownLatch stopping = new CountDownLatch(1);
    private volatile Consumer<String, Notification> consumer;
    private volatile Thread thread;
    private volatile KafkaClientMetrics clientMetrics;

    /** {@code meters}: the consumer's client metrics ({@code kafka_consumer_*}, tagged with its {@code client_id}). */
    public NotificationFeed(Supplier<Consumer<String, Notification>> consumers, MeterRegistry meters) {
        this.consumers = consumers;
        this.meters = meters;
    }

    /** The consumer a replica follows the topic with: no group, no commits, committed records only. */
    public static Consumer<String, Notification> kafkaConsumer(KafkaSettings settings, SchemaRegistryClient registry,
                                                               String clientId) {
        var config = new HashMap<String, Object>(settings.client());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new KafkaConsumer<>(config, new StringDeserializer(), Topics.NOTIFICATIONS.valueSerde(registry).deserializer());
    }

    /** The notifications of {@code userId} from now on, until the caller cancels or this instance stops. */
    public Flux<Notification> live(String userId) {
        return Flux.<Notification>create(sink -> {
            sinks.compute(userId, (id, set) -> {
                var users = set == null ? ConcurrentHashMap.<FluxSink<Notification>>newKeySet() : set;
                users.add(sink);
                return users;
            });
            sink.onDispose(() -> sinks.computeIfPresent(userId, (id, set) -> {
                set.remove(sink);
                return set.isEmpty() ? null : set;
            }));
        }).onBackpressureBuffer(BUFFER, dropped -> log.debug("Live stream of {} is slow; dropped a notification", userId),
                BufferOverflowStrategy.DROP_OLDEST);
    }

    /** Whether the consumer has its partitions and their end positions, i.e. what is published now will be seen. */
    public boolean awaitLive(Duration timeout) throws InterruptedException {
        return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Open live streams on this instance (a gauge for ops). */
    public int connections() {
        return sinks.values().stream().mapToInt(Set::size).sum();
    }

    int connected(String userId) {
        var set = sinks.get(userId);
        return set == null ? 0 : set.size();
    }

    @Override
    public void start() {
        stopping = new CountDownLatch(1);
        consumer = consumers.get();
        var metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(meters);
        clientMetrics = metrics;
        thread = Thread.ofPlatform().name("live-notifications").daemon().start(this::run);
    }

    @Override
    public void stop() {
        var running = thread;
        if (running == null) {
            return;
        }
        stopping.countDown();
        consumer.wakeup();
        try {
            running.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        clientMetrics.close();
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    /** After Kafka Streams (which creates the topics when asked to); stopped before the web server drains, so open streams end. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 90;
    }

    private void run() {
        var kafka = consumer;
        try {
            while (stopping.getCount() > 0) {
                if (kafka.assignment().isEmpty() && !assign(kafka)) {
                    stopping.await(1, TimeUnit.SECONDS); // the topic does not exist yet
                    continue;
                }
                try {
                    for (var record : kafka.poll(POLL)) {
                        var notification = record.value();
                        if (notification != null) {
                            deliver(notification);
                        }
                    }
                } catch (RecordDeserializationException unreadable) {
                    // The stream shows what it can read; the inbox processor dead-letters the record.
                    kafka.seek(unreadable.topicPartition(), unreadable.offset() + 1);
                }
            }
        } catch (WakeupException | InterruptedException stopped) {
            // stopping
        } catch (RuntimeException e) {
            log.error("Live notifications stopped", e);
        } finally {
            sinks.values().forEach(set -> set.forEach(FluxSink::complete));
            sinks.clear();
            kafka.close(Duration.ofSeconds(2)); // a consumer outside any group: nothing to commit or leave
        }
    }

    private boolean assign(Consumer<String, Notification> kafka) {
        java.util.List<org.apache.kafka.common.PartitionInfo> partitions;
        try {
            partitions = kafka.partitionsFor(Topics.NOTIFICATIONS.name(), Duration.ofSeconds(5));
        } catch (org.apache.kafka.common.errors.TimeoutException brokerAway) {
            return false;
        }
        if (partitions == null || partitions.isEmpty()) {
            return false;
        }
        var assignment = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        kafka.assign(assignment);
        kafka.seekToEnd(assignment);
        // seekToEnd is lazy: resolve it now, so that what is published from here on is delivered.
        assignment.forEach(kafka::position);
        assigned.countDown();
        log.info("Live notifications follow {} partitions of {}", assignment.size(), Topics.NOTIFICATIONS.name());
        return true;
    }

    private void deliver(Notification notification) {
        var set = sinks.get(notification.getUserId());
        if (set != null) {
            set.forEach(sink -> sink.next(notification));
        }
    }
}
