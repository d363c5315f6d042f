package market.resale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import market.resale.platform.kafka.KeyOwnerRouter;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Issue 16, point 2: the header that marks an instance-to-instance forward is signed with the key the service's
 * instances share; a caller's {@code X-Forwarded-To-Owner} (any value it can make) changes nothing.
 */
class ForwarderTest {

    private static final byte[] KEY = "a key every instance of the service shares".getBytes();
    private final market.resale.platform.ManualClock clock = new market.resale.platform.ManualClock(Instant.parse("2026-12-07T10:00:00Z"));
    private final Forwarder forwarder = new Forwarder(WebClient.builder(), Duration.ofSeconds(1), KEY, clock);

    @Test
    void onlyAMarkSignedWithTheSharedKeyForThisVeryRequestCounts() {
        var mark = forwarder.mark("GET", "/orders/o-1?view=full");
        assertThat(forwarder.alreadyForwarded(get("/orders/o-1?view=full", mark))).isTrue();

        assertThat(forwarder.alreadyForwarded(get("/orders/o-1?view=full", null))).isFalse();
        assertThat(forwarder.alreadyForwarded(get("/orders/o-1?view=full", "1"))).as("the old mark").isFalse();
        assertThat(forwarder.alreadyForwarded(get("/orders/o-2?view=full", mark))).as("another path").isFalse();
        assertThat(forwarder.alreadyForwarded(MockServerHttpRequest.post("/orders/o-1?view=full")
                .header(Forwarder.FORWARDED, mark).build())).as("another method").isFalse();
        var otherKey = new Forwarder(WebClient.builder(), Duration.ofSeconds(1), "a key of the caller's".getBytes(), clock);
        assertThat(forwarder.alreadyForwarded(get("/orders/o-1?view=full", otherKey.mark("GET", "/orders/o-1?view=full"))))
                .as("signed with another key").isFalse();
        var farFuture = (clock.instant().getEpochSecond() + 3600) + mark.substring(mark.indexOf('.'));
        assertThat(forwarder.alreadyForwarded(get("/orders/o-1?view=full", farFuture))).as("an expiry the caller chose").isFalse();

        clock.advance(Forwarder.MARK_VALIDITY.plusSeconds(1));
        assertThat(forwarder.alreadyForwarded(get("/orders/o-1?view=full", mark))).as("expired").isFalse();
    }

    @Test
    void aCallersHeaderDoesNotStopTheRequestFromReachingTheOwner() {
        var forwardedTo = new AtomicReference<String>();
        var routing = new OwnerRouting(new KeyOwnerRouter(null, () -> "self:8081") {
            @Override
            public java.util.Optional<String> remoteOwner(String store, String key) {
                return java.util.Optional.of("owner:8081");
            }
        }, new Forwarder(WebClient.builder(), Duration.ofSeconds(1), KEY, clock) {
            @Override
            public Mono<ResponseEntity<byte[]>> forward(String owner, org.springframework.http.server.reactive.ServerHttpRequest request,
                                                        byte[] body) {
                forwardedTo.set(owner);
                return Mono.just(ResponseEntity.ok(new byte[0]));
            }
        });

        var answer = routing.answer("orders", "o-1", get("/orders/o-1", "1"), null,
                () -> Mono.just(ResponseEntity.status(404).build())).block();

        assertThat(forwardedTo.get()).isEqualTo("owner:8081");
        assertThat(answer.getStatusCode().value()).isEqualTo(200);
    }

    private static MockServerHttpRequest get(String target, String mark) {
        var request = MockServerHttpRequest.get(target);
        if (mark != null) {
            request.header(Forwarder.FORWARDED, mark);
        }
        return request.build();
    }
}
