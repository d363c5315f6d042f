package market.resale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import market.resale.platform.ManualClock;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Token buckets with time driven by an explicit clock: no sleeps. */
class RateLimitingTest {

    private final ManualClock clock = new ManualClock(Instant.ofEpochMilli(1_700_000_000_000L));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private RateLimiting limiting(int capacity, Duration per) {
        return new RateLimiting(new RateLimitSettings(Map.of(
                "messages", new RateLimitSettings.Limit(List.of("/orders/{orderId}/conversation/messages"), List.of("POST"), capacity, per),
                "cancellations", new RateLimitSettings.Limit(List.of("/orders/{orderId}/cancellations"), List.of("POST"), capacity, per))),
                clock, meters);
    }

    @Test
    void aBurstOfCapacityIsAllowedThenOneRequestPerRefillInterval() {
        var limits = limiting(10, Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            assertThat(limits.take("messages", "ann")).isZero();
        }
        assertThat(limits.take("messages", "ann")).isEqualTo(6_000);
        clock.advance(Duration.ofSeconds(4));
        assertThat(limits.take("messages", "ann")).isEqualTo(2_000);
        clock.advance(Duration.ofSeconds(2));
        assertThat(limits.take("messages", "ann")).isZero();
        assertThat(limits.take("messages", "ann")).isEqualTo(6_000);
        clock.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            assertThat(limits.take("messages", "ann")).as("refilled to capacity, not beyond").isZero();
        }
        assertThat(limits.take("messages", "ann")).isPositive();
    }

    @Test
    void usersAndLimitsHaveBucketsOfTheirOwn() {
        var limits = limiting(2, Duration.ofMinutes(1));
        assertThat(limits.take("messages", "ann")).isZero();
        assertThat(limits.take("messages", "ann")).isZero();
        assertThat(limits.take("messages", "ann")).isPositive();
        assertThat(limits.take("messages", "bob")).isZero();
        assertThat(limits.take("cancellations", "ann")).isZero();
    }

    @Test
    void aClockSteppingBackRefillsNothing() {
        var limits = limiting(1, Duration.ofMinutes(1));
        assertThat(limits.take("messages", "ann")).isZero();
        clock.advance(Duration.ofMinutes(-10));
        assertThat(limits.take("messages", "ann")).isPositive();
    }

    @Test
    void idleBucketsAreDroppedOnceFullAgain() {
        var limits = limiting(10, Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            limits.take("messages", "ann");
            limits.take("messages", "bob");
        }
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            limits.take("messages", "cid");
        }
        limits.sweep(clock.millis());
        assertThat(limits.trackedBuckets()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(31));
        limits.sweep(clock.millis());
        assertThat(limits.trackedBuckets()).isEqualTo(1);
    }

    @Test
    void theEleventhRequestIsAnswered429ProblemWithRetryAfterAndNeverReachesTheHandler() {
        var limits = limiting(10, Duration.ofMinutes(1));
        for (int i = 0; i < 10; i++) {
            var passed = new AtomicBoolean();
            limits.filter(exchange("POST", "/orders/o-1/conversation/messages", "ann"), e -> {
                passed.set(true);
                return Mono.empty();
            }).block();
            assertThat(passed).isTrue();
        }
        var refused = exchange("POST", "/orders/o-2/conversation/messages", "ann");
        var passed = new AtomicBoolean();
        limits.filter(refused, e -> {
            passed.set(true);
            return Mono.empty();
        }).block();
        assertThat(passed).isFalse();
        var response = (org.springframework.mock.http.server.reactive.MockServerHttpResponse) refused.getResponse();
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("6");
        // The IETF fields beside it: the policy (10 per 60 s), none left, one fits again in the Retry-After's 6 s.
        assertThat(response.getHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"messages\";q=10;w=60");
        assertThat(response.getHeaders().getFirst("RateLimit")).isEqualTo("\"messages\";r=0;t=6");
        assertThat(response.getBodyAsString().block()).contains("\"code\":\"rate-limited\"", "\"limit\":\"messages\"",
                "\"status\":429");
        assertThat(meters.counter("rate_limited_requests_total", "limit", "messages").count()).isEqualTo(1.0);
    }

    @Test
    void everyAnswerOnALimitedEndpointSaysWhatIsLeftAndWhenTheBucketIsFull() {
        var limits = limiting(10, Duration.ofMinutes(1));
        var first = exchange("POST", "/orders/o-1/cancellations", "ann");
        assertThat(passes(limits, first)).isTrue();
        assertThat(first.getResponse().getHeaders().getFirst("RateLimit-Policy")).isEqualTo("\"cancellations\";q=10;w=60");
        assertThat(first.getResponse().getHeaders().getFirst("RateLimit")).isEqualTo("\"cancellations\";r=9;t=6");
        for (int i = 0; i < 3; i++) {
            passes(limits, exchange("POST", "/orders/o-1/cancellations", "ann"));
        }
        clock.advance(Duration.ofSeconds(3)); // half a request back
        var fifth = exchange("POST", "/orders/o-1/cancellations", "ann");
        assertThat(passes(limits, fifth)).isTrue();
        assertThat(fifth.getResponse().getHeaders().getFirst("RateLimit")).isEqualTo("\"cancellations\";r=5;t=27");
        var unlimited = exchange("GET", "/orders/o-1/cancellations", "ann");
        assertThat(passes(limits, unlimited)).isTrue();
        assertThat(unlimited.getResponse().getHeaders().getFirst("RateLimit")).isNull();
    }

    @Test
    void otherMethodsPathsAndAnonymousRequestsAreNotCounted() {
        var limits = limiting(1, Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            assertThat(passes(limits, exchange("GET", "/orders/o-1/conversation/messages", "ann"))).isTrue();
            assertThat(passes(limits, exchange("POST", "/orders/o-1/conversation", "ann"))).isTrue();
            assertThat(passes(limits, exchange("POST", "/orders/o-1/conversation/messages", null))).isTrue();
        }
        assertThat(passes(limits, exchange("POST", "/orders/o-1/conversation/messages", "ann"))).isTrue();
        assertThat(passes(limits, exchange("POST", "/orders/o-1/conversation/messages", "ann"))).isFalse();
    }

    @Test
    void limitsAreBoundFromProperties() {
        var env = new MockEnvironment()
                .withProperty("app.rate-limits.messages.paths[0]", "/orders/{orderId}/conversation/messages")
                .withProperty("app.rate-limits.messages.capacity", "3")
                .withProperty("app.rate-limits.messages.per", "1h")
                .withProperty("app.rate-limits.answers.paths", "/a/{id}/approval,/a/{id}/decline");
        var settings = RateLimitSettings.bind(env);
        assertThat(settings.limits().get("messages").capacity()).isEqualTo(3);
        assertThat(settings.limits().get("messages").per()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.limits().get("messages").methods()).containsExactly("POST");
        assertThat(settings.limits().get("answers").paths()).containsExactly("/a/{id}/approval", "/a/{id}/decline");
        assertThat(settings.limits().get("answers").capacity()).isEqualTo(10);
        assertThat(settings.limits().get("answers").per()).isEqualTo(Duration.ofMinutes(1));
        assertThat(RateLimitSettings.bind(new MockEnvironment()).limits()).isEmpty();
        assertThatThrownBy(() -> new RateLimitSettings.Limit(List.of("/x"), List.of(), 0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeclaredBodyAboveTheLimitIsRefusedBeforeItIsRead() {
        var limit = new BodySizeLimit(DataSize.ofKilobytes(64));
        var small = MockServerWebExchange.from(MockServerHttpRequest.post("/x").contentLength(64 * 1024).body("{}"));
        assertThat(passes(limit, small)).isTrue();
        var large = MockServerWebExchange.from(MockServerHttpRequest.post("/x").contentLength(64 * 1024 + 1).body("{}"));
        assertThat(passes(limit, large)).isFalse();
        assertThat(large.getResponse().getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
        assertThat(large.getResponse().getBodyAsString().block()).contains("\"code\":\"body-too-large\"");
    }

    private static boolean passes(org.springframework.web.server.WebFilter filter, ServerWebExchange exchange) {
        var passed = new AtomicBoolean();
        filter.filter(exchange, e -> {
            passed.set(true);
            return Mono.empty();
        }).block();
        return passed.get();
    }

    private static ServerWebExchange exchange(String method, String path, String subject) {
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.method(org.springframework.http.HttpMethod.valueOf(method), path));
        if (subject == null) {
            return exchange;
        }
        var jwt = Jwt.withTokenValue("t").header("alg", "HS256").subject(subject).claim("roles", List.of("BUYER")).build();
        return exchange.mutate().principal(Mono.just(new JwtAuthenticationToken(jwt, List.of(), subject))).build();
    }
}
