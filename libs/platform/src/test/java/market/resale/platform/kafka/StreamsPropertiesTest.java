package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** How every service's Kafka Streams client is configured, and what a deployment can override. */
class StreamsPropertiesTest {

    private static KafkaSettings settings(Map<String, String> client) {
        return new KafkaSettings("127.0.0.1:9092", "http://127.0.0.1:8085/apis/ccompat/v7", "/tmp/state", "127.0.0.1", 1,
                Duration.ofMillis(100), 1, false, 0, Duration.ofMillis(20), true, client);
    }

    @Test
    void exactlyOnceWithTheCommitIntervalAndAShortPoll() {
        var props = KafkaConfiguration.streamsProperties(settings(Map.of()), "orders-service", 8081);

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
        assertThat(props.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(10L);
        assertThat(props.get("producer.linger.ms")).isEqualTo(20);
        assertThat(props.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("127.0.0.1:8081");
    }

    @Test
    void aDeploymentOverridesThePollAndTheLingerButNotTheGuarantee() {
        var props = KafkaConfiguration.streamsProperties(settings(Map.of("poll.ms", "50", "producer.linger.ms", "0",
                        "processing.guarantee", "at_least_once")), "orders-service", 8081);

        assertThat(props.get(StreamsConfig.POLL_MS_CONFIG)).isEqualTo("50");
        assertThat(props.get("producer.linger.ms")).isEqualTo("0");
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    }
}
