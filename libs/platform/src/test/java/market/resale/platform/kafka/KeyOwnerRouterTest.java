package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import market.resale.platform.web.ProblemHandling;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * A request that arrives before Kafka Streams has started (the web server starts first) is a 503 to retry, not a 500:
 * the router (stream side) says the partitions are moving, the web side answers it.
 */
class KeyOwnerRouterTest {

    @Test
    void beforeStreamsStartsAQueryIsUnavailableWithRetryAfter() {
        var runner = new StreamsRunner(new Topology(), Properties::new, event -> { }, new SimpleMeterRegistry());
        var router = new KeyOwnerRouter(runner, () -> "127.0.0.1:8081");

        assertThatThrownBy(() -> router.remoteOwner("orders", "o-1")).isInstanceOf(KeyOwnerRouter.Rebalancing.class);
        assertThatThrownBy(() -> router.localStore("orders")).isInstanceOf(KeyOwnerRouter.Rebalancing.class);

        var rebalancing = catchThrowableOfType(KeyOwnerRouter.Rebalancing.class, () -> router.localStore("orders"));
        var answer = new ProblemHandling().rebalancing(rebalancing, MockServerWebExchange.from(MockServerHttpRequest.get("/orders/o-1")));
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(answer.getBody().getProperties()).containsEntry("code", "rebalancing");
    }
}
