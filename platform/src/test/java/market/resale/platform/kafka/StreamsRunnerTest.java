package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;

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

    private static List<Object> readiness(List<Object> events) {
        return events.stream().filter(AvailabilityChangeEvent.class::isInstance).map(e -> ((AvailabilityChangeEvent<?>) e).getState())
                .filter(ReadinessState.class::isInstance).map(Object.class::cast).distinct().toList();
    }
}
