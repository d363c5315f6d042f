package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import market.resale.platform.web.ApiProblem;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** A request that arrives before Kafka Streams has started (the web server starts first) is a 503 to retry, not a 500. */
class KeyOwnerRouterTest {

    @Test
    void beforeStreamsStartsAQueryIsUnavailableWithRetryAfter() {
        var runner = new StreamsRunner(new Topology(), Properties::new, event -> { }, new SimpleMeterRegistry());
        var router = new KeyOwnerRouter(runner, () -> "127.0.0.1:8081");

        assertThatThrownBy(() -> router.remoteOwner("orders", "o-1"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> org.assertj.core.api.Assertions.assertThat(p.status())
                        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
        assertThatThrownBy(() -> router.localStore("orders"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> org.assertj.core.api.Assertions.assertThat(p.status())
                        .isEqualTo(HttpStatus.SERVICE_UNAVAILABLE));
    }
}
