package market.resale.platform.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the service's Kafka Streams topology for the lifetime of the application, and ties the
 * client's state to the probes: ready only while RUNNING (so a rebalancing or restoring instance
 * gets no traffic), broken once the client is in ERROR (so Kubernetes restarts it). A stream thread that fails is
 * replaced; one whose replacements keep failing ({@value #FAILING_AFTER} failures within {@link #FAILING_WINDOW}: a
 * record it cannot get past, a store it cannot open) is {@link #failing()}: the {@code kafkaStreams} health contributor
 * reports the service DOWN, so it is not ready, and {@code kafka_streams_thread_failures_total} counts every failure
 * (alert {@code KafkaStreamsThreadsFailing}).
 */
public class StreamsRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);

    private final Topology topology;
    private final Supplier<Properties> properties;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long stopping waits for Kafka clients to close (ShutdownDefaults: a service stops in seconds). */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(8);
    /** Thread failures within {@link #FAILING_WINDOW} that make the service {@link #failing()}. */
    static final int FAILING_AFTER = 3;
    static final Duration FAILING_WINDOW = Duration.ofMinutes(5);

    private final Clock clock;
    private final Deque<Instant> recentFailures = new ArrayDeque<>();
    private volatile String lastFailure;
    private final io.micrometer.core.instrument.Counter threadFailures;

    private volatile KafkaStreams streams;
    private volatile boolean running;
    private volatile Thread starter;
    private KafkaStreamsMetrics streamsMetrics;

    public StreamsRunner(Topology topology, Supplier<Properties> properties, ApplicationEventPublisher events, MeterRegistry meters) {
        this(topology, properties, events, meters, Clock.systemUTC());
    }

    StreamsRunner(Topology topology, Supplier<Properties> properties, ApplicationEventPublisher events, MeterRegistry meters,
                  Clock clock) {
        this.clock = clock;
        this.topology = topology;
        this.properties = properties;
        this.events = events;
        this.meters = meters;
        Gauge.builder("kafka_streams_running", state, s -> s.get() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 while the Kafka Streams client is RUNNING, 0 otherwise")
                .register(meters);
        // In the scrape from the start (0), so that their alerts see the first failure as an increase.
        this.threadFailures = io.micrometer.core.instrument.Counter.builder("kafka_streams_thread_failures_total")
                .description("Stream threads that failed and were replaced (the cause: health details, logs)").register(meters);
        DeadLetters.failures(meters);
    }

    @Override
    public void start() {
        running = true;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        try {
            startClient(properties.get());
        } catch (RuntimeException e) {
            // The broker is not there yet (preparing the client creates the catalogue's topics locally). The
            // service stays up, live and not ready, and keeps trying; it does not exit and crash-loop.
            log.warn("Could not start Kafka Streams yet ({}); retrying in the background", e.getMessage());
            starter = Thread.ofPlatform().name("streams-starter").daemon(true).start(this::retryStart);
        }
    }

    private void retryStart() {
        var backoff = Duration.ofSeconds(1);
        while (running) {
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return; // stopped
            }
            try {
                startClient(properties.get());
                log.info("Kafka Streams started after the broker became reachable");
                return;
            } catch (RuntimeException e) {
                log.warn("Could not start Kafka Streams yet ({}); retrying", e.getMessage());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private synchronized void startClient(Properties props) {
        if (!running) {
            return;
        }
        // A dead letter the broker refuses is logged and counted, and the stream goes on (DeadLetterSendFailures).
        props.putIfAbsent(org.apache.kafka.streams.StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterSendFailures.class);
        props.put(DeadLetterSendFailures.METERS, meters);
        var client = new KafkaStreams(topology, props);
        client.setStateListener((now, before) -> {
            state.set(now);
            log.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
            } else if (now == KafkaStreams.State.ERROR) {
                AvailabilityChangeEvent.publish(events, this, LivenessState.BROKEN);
                AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
            } else {
                AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
            }
        });
        client.setUncaughtExceptionHandler(e -> {
            threadFailed(e);
            log.error("Stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics = new KafkaStreamsMetrics(client);
        streamsMetrics.bindTo(meters);
        client.start();
        streams = client;
    }

    @Override
    public void stop() {
        running = false;
        var retrying = starter;
        if (retrying != null) {
            retrying.interrupt();
            try {
                retrying.join(CLOSE_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            var client = streams;
            if (client != null) {
                // Bounded, so that a service stops in seconds whatever its threads are doing (ShutdownDefaults).
                if (client.close(CLOSE_TIMEOUT)) {
                    log.info("Kafka Streams closed");
                } else {
                    log.warn("Kafka Streams did not close within {}; stopping anyway (open transactions abort)", CLOSE_TIMEOUT);
                }
                if (streamsMetrics != null) {
                    streamsMetrics.close();
                }
                streams = null;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the web server so that forwarding peers can already reach it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    public KafkaStreams streams() {
        var client = streams;
        if (client == null) {
            throw new IllegalStateException("Kafka Streams is not started");
        }
        return client;
    }

    /**
     * The committed offset (the next record to read) of every input partition of this instance's active tasks, as Kafka
     * Streams records it right after a task's transaction commits; empty while Streams is not started.
     */
    public java.util.Map<org.apache.kafka.common.TopicPartition, Long> committedOffsets() {
        var client = streams;
        var offsets = new java.util.HashMap<org.apache.kafka.common.TopicPartition, Long>();
        if (client != null) {
            for (var thread : client.metadataForLocalThreads()) {
                for (var task : thread.activeTasks()) {
                    task.committedOffsets().forEach((partition, next) -> {
                        if (next != null && next >= 0) {
                            offsets.merge(partition, next, Math::max);
                        }
                    });
                }
            }
        }
        return offsets;
    }

    public KafkaStreams.State state() {
        return state.get();
    }

    void threadFailed(Throwable failure) {
        var cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        threadFailures.increment();
        lastFailure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        synchronized (recentFailures) {
            recentFailures.addLast(clock.instant());
        }
    }

    /** Stream threads failed {@value #FAILING_AFTER} times or more within the last {@link #FAILING_WINDOW}. */
    public boolean failing() {
        return recentFailures() >= FAILING_AFTER;
    }

    /** Stream thread failures within the last {@link #FAILING_WINDOW}. */
    public int recentFailures() {
        var since = clock.instant().minus(FAILING_WINDOW);
        synchronized (recentFailures) {
            while (!recentFailures.isEmpty() && recentFailures.peekFirst().isBefore(since)) {
                recentFailures.removeFirst();
            }
            return recentFailures.size();
        }
    }

    /**
     * For the {@code kafkaStreams} health contributor: UP while RUNNING, OUT_OF_SERVICE while not (rebalancing,
     * restoring, starting), DOWN while its threads keep failing, whatever the state says (nothing moves).
     */
    public org.springframework.boot.health.contributor.Health health() {
        if (failing()) {
            return org.springframework.boot.health.contributor.Health.down().withDetail("state", state().name())
                    .withDetail("threadFailures", recentFailures()).withDetail("lastFailure", String.valueOf(lastFailure)).build();
        }
        return state() == KafkaStreams.State.RUNNING
                ? org.springframework.boot.health.contributor.Health.up().withDetail("state", "RUNNING").build()
                : org.springframework.boot.health.contributor.Health.outOfService().withDetail("state", state().name()).build();
    }

    /** The root cause of the last stream thread failure, null if none failed. */
    public String lastFailure() {
        return lastFailure;
    }
}
