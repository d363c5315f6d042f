package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Status;

/**
 * A service started while the broker is down (its topics cannot be created yet) stays up, not ready,
 * and starts Kafka Streams once preparing it succeeds, instead of failing the application's start.
 */
class StreamsRunnerTest {

    @Test
    void whenTheBrokerIsNotThereYetItKeepsTryingInsteadOfFailingTheStart() throws Exception {
        var attempts = new AtomicInteger();
        var builder = new StreamsBuilder();
        builder.stream("some-topic").foreach((k, v) -> { });
        var stateDir = Files.createTempDirectory("streams-runner");
        var events = new ArrayList<Object>();
        var runner = new StreamsRunner(builder.build(), () -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("Could not create the topics on 127.0.0.1:1");
            }
            var props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "streams-runner-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            return props;
        }, events::add, new SimpleMeterRegistry());

        runner.start(); // does not throw
        try {
            assertThat(runner.isRunning()).isTrue();
            assertThat(readiness(events)).containsExactly(ReadinessState.REFUSING_TRAFFIC);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(attempts.get()).isGreaterThanOrEqualTo(3));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(runner.streams()).isNotNull());
            // Still no broker: started, but not ready.
            assertThat(readiness(events)).doesNotContain(ReadinessState.ACCEPTING_TRAFFIC);
        } finally {
            runner.stop();
        }
        assertThat(runner.isRunning()).isFalse();
        assertThatThrownBy(runner::streams).isInstanceOf(IllegalStateException.class);
    }

    /**
     * A thread that fails now and then is replaced and nothing is reported; threads that keep failing (three times
     * within five minutes) make the service DOWN, with the cause, until five minutes pass without a failure.
     */
    @Test
    void threadsThatKeepFailingMakeTheServiceDownAndAreCounted() {
        var clock = new market.resale.platform.ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
        var builder = new StreamsBuilder();
        builder.stream("some-topic").foreach((k, v) -> { });
        var meters = new SimpleMeterRegistry();
        var runner = new StreamsRunner(builder.build(), Properties::new, event -> { }, meters, clock);
        var failure = new org.apache.kafka.streams.errors.StreamsException("processing failed",
                new IllegalStateException("registry refused the schema"));

        runner.threadFailed(failure);
        clock.advance(Duration.ofMinutes(3));
        runner.threadFailed(failure);
        assertThat(runner.failing()).isFalse();
        assertThat(runner.health().getStatus()).as("not started yet: out of service, not down").isEqualTo(Status.OUT_OF_SERVICE);

        clock.advance(Duration.ofMinutes(1));
        runner.threadFailed(failure);
        assertThat(runner.failing()).isTrue();
        var health = runner.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("threadFailures", 3)
                .containsEntry("lastFailure", "IllegalStateException: registry refused the schema");
        assertThat(meters.counter("kafka_streams_thread_failures_total").count()).isEqualTo(3);

        // The first failure leaves the window: two within five minutes is not failing.
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(runner.failing()).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(runner.recentFailures()).isZero();
    }

    private static List<Object> readiness(List<Object> events) {
        return events.stream().filter(AvailabilityChangeEvent.class::isInstance).map(e -> ((AvailabilityChangeEvent<?>) e).getState())
                .filter(ReadinessState.class::isInstance).map(Object.class::cast).distinct().toList();
    }
}
