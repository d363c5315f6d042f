package market.resale.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import market.resale.testsupport.KafkaSeam;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The yardstick itself is right: on a real broker, every record sent goes through both hops and
 * arrives, once when transactional, at least once otherwise, and each arrival is timed. (Its speed is
 * measured by the benchmark run, never asserted here.)
 */
class RelayTest {

    @ParameterizedTest
    @EnumSource(Relay.Mode.class)
    void everyRecordCrossesEveryHop(Relay.Mode mode) throws Exception {
        var kafka = KafkaSeam.shared();
        var relay = new Relay(kafka.bootstrapServers(), mode, 2, 200, Duration.ofMillis(100), 3);

        var steps = relay.run(new int[] {100, 200}, Duration.ofSeconds(2));

        assertThat(steps).hasSize(2);
        for (var step : steps) {
            assertThat(step.sent()).isPositive();
            assertThat(step.distinct()).as("every record of the %d/s step arrived", step.rate()).isEqualTo(step.sent());
            assertThat(step.latency().getTotalCount()).isEqualTo(step.received());
            if (mode == Relay.Mode.TRANSACTIONAL) {
                assertThat(step.received()).as("no duplicates through transactions").isEqualTo(step.sent());
            } else {
                assertThat(step.received()).isGreaterThanOrEqualTo(step.sent());
            }
        }
    }
}
