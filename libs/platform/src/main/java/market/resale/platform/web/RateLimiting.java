package market.resale.platform.web;

import io.micrometer.core.instrument.MeterRegistry;
import java.security.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import market.resale.platform.security.Caller;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Per-user token buckets on the write endpoints named in {@link RateLimitSettings}, keyed by the
 * token's subject. It runs after Spring Security's filter chain (so the caller is known; a request
 * without a valid token was answered 401 already) and before the body is read: a request over the
 * limit is answered {@code 429} problem+json {@code rate-limited} with {@code Retry-After} (whole
 * seconds until the bucket holds a request again) and never reaches the handler.
 *
 * <p>Every answer on a limited endpoint carries the IETF headers (draft-ietf-httpapi-ratelimit-headers):
 * {@code RateLimit-Policy: "<limit>";q=<capacity>;w=<period in seconds>} and
 * {@code RateLimit: "<limit>";r=<requests left>;t=<seconds until the bucket is full again>}; on a 429, {@code r=0}
 * and {@code t} is the {@code Retry-After}.
 *
 * <p>Buckets live in this instance's memory: each instance counts the requests it receives, including
 * those another instance forwarded to it as the key's owner (forwarded requests are counted again, so
 * that a client cannot skip the limit by sending the forwarding header itself). Every request is
 * counted, whatever its answer. A bucket that has been idle for a whole period is full again and is
 * dropped, so memory follows the users active within the last period.
 */
public class RateLimiting implements WebFilter, Ordered {

    /** After Spring Security's {@code WebFilterChainProxy} (-100), so the caller is known. */
    public static final int ORDER = 0;

    private static final int SWEEP_EVERY = 4096;

    record Rule(String name, Set<String> methods, List<PathPattern> patterns, int capacity, long periodMillis) {
    }

    private record Key(String limit, String subject) {
    }

    /** One take: 0 when allowed, else the milliseconds until one request fits; whole requests left; time to full. */
    record Taken(long waitMillis, long remaining, long fullInMillis) {
        boolean allowed() {
            return waitMillis == 0;
        }
    }

    private final List<Rule> rules;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<Key, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong takes = new AtomicLong();

    public RateLimiting(RateLimitSettings settings, Clock clock, MeterRegistry meters) {
        var parser = PathPatternParser.defaultInstance;
        this.rules = settings.limits().entrySet().stream()
                .map(e -> new Rule(e.getKey(),
                        e.getValue().methods().stream().map(m -> m.trim().toUpperCase(java.util.Locale.ROOT)).collect(Collectors.toSet()),
                        e.getValue().paths().stream().map(parser::parse).toList(),
                        e.getValue().capacity(), e.getValue().per().toMillis()))
                .toList();
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var rule = ruleFor(exchange);
        if (rule.isEmpty()) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal().map(RateLimiting::subject).map(Optional::of).defaultIfEmpty(Optional.empty())
                .flatMap(subject -> {
                    if (subject.isEmpty()) {
                        return chain.filter(exchange); // not authenticated: security has answered or will
                    }
                    var taken = bucket(rule.get(), subject.get()).take(clock.millis());
                    headers(exchange, rule.get(), taken);
                    return taken.allowed() ? chain.filter(exchange) : refuse(exchange, rule.get(), taken.waitMillis());
                });
    }

    /**
     * Takes one request from the caller's bucket of limit {@code name}: 0 when allowed, otherwise the
     * milliseconds until the bucket holds a request again (nothing is taken then).
     */
    long take(String name, String subject) {
        var rule = rules.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No rate limit " + name));
        return bucket(rule, subject).take(clock.millis()).waitMillis();
    }

    private TokenBucket bucket(Rule rule, String subject) {
        var now = clock.millis();
        if (takes.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(now);
        }
        return buckets.computeIfAbsent(new Key(rule.name(), subject), k -> new TokenBucket(rule.capacity(), rule.periodMillis(), now));
    }

    /** The IETF RateLimit-Policy and RateLimit fields (structured-field items named after the limit). */
    private static void headers(ServerWebExchange exchange, Rule rule, Taken taken) {
        var headers = exchange.getResponse().getHeaders();
        var name = "\"" + rule.name() + "\"";
        headers.set("RateLimit-Policy", name + ";q=" + rule.capacity() + ";w=" + seconds(rule.periodMillis()));
        headers.set("RateLimit", name + ";r=" + taken.remaining() + ";t="
                + seconds(taken.allowed() ? taken.fullInMillis() : taken.waitMillis()));
    }

    private static long seconds(long millis) {
        return (millis + 999) / 1000;
    }

    /** Buckets held now (users active within the last period, per limit). */
    int trackedBuckets() {
        return buckets.size();
    }

    /** Drops the buckets that are full again: the same as no bucket. */
    void sweep(long now) {
        buckets.entrySet().removeIf(e -> e.getValue().fullAt(now));
    }

    /** The limit a request of {@code method} to {@code path} (a path or a path template) takes from, if any (for the API docs). */
    public Optional<String> limitFor(String method, String path) {
        var container = PathContainer.parsePath(path);
        return rules.stream()
                .filter(r -> r.methods().contains(method) && r.patterns().stream().anyMatch(p -> p.matches(container)))
                .map(r -> r.name() + ": " + r.capacity() + " per " + java.time.Duration.ofMillis(r.periodMillis()))
                .findFirst();
    }

    Optional<Rule> ruleFor(ServerWebExchange exchange) {
        var request = exchange.getRequest();
        var method = request.getMethod().name();
        var path = request.getPath().pathWithinApplication();
        return rules.stream()
                .filter(r -> r.methods().contains(method) && r.patterns().stream().anyMatch(p -> p.matches(path)))
                .findFirst();
    }

    private Mono<Void> refuse(ServerWebExchange exchange, Rule rule, long waitMillis) {
        var retryAfter = Math.max(1, seconds(waitMillis));
        if (meters != null) {
            meters.counter("rate_limited_requests_total", "limit", rule.name()).increment();
        }
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        var extra = new LinkedHashMap<String, Object>();
        extra.put("limit", rule.name());
        extra.put("capacity", rule.capacity());
        extra.put("retryAfterSeconds", retryAfter);
        return ProblemResponses.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                "Too many requests of this kind (at most " + rule.capacity() + " per "
                        + java.time.Duration.ofMillis(rule.periodMillis()) + "); retry in " + retryAfter + " s", extra);
    }

    private static String subject(Principal principal) {
        return principal instanceof Authentication authentication ? Caller.of(authentication).userId() : principal.getName();
    }

    /**
     * {@code capacity} requests, refilled continuously at {@code capacity / period}. Kept in whole units
     * (one request = {@code period} units; each millisecond adds {@code capacity} units), so no rounding
     * drifts. Time comes from the caller (the service's {@link Clock}); a clock that steps back refills nothing.
     */
    static final class TokenBucket {

        private final long capacity;
        private final long periodMillis;
        private long level;
        private long updatedAt;

        TokenBucket(int capacity, long periodMillis, long now) {
            this.capacity = capacity;
            this.periodMillis = periodMillis;
            this.level = capacity * periodMillis;
            this.updatedAt = now;
        }

        synchronized Taken take(long now) {
            refill(now);
            if (level >= periodMillis) {
                level -= periodMillis;
                return new Taken(0, level / periodMillis, (capacity * periodMillis - level + capacity - 1) / capacity);
            }
            return new Taken(Math.max(1, (periodMillis - level + capacity - 1) / capacity), 0,
                    (capacity * periodMillis - level + capacity - 1) / capacity);
        }

        synchronized boolean fullAt(long now) {
            var elapsed = Math.max(0, now - updatedAt);
            return elapsed >= periodMillis || level + elapsed * capacity >= capacity * periodMillis;
        }

        private void refill(long now) {
            if (now > updatedAt) {
                var elapsed = Math.min(now - updatedAt, periodMillis); // a whole period fills any bucket
                level = Math.min(capacity * periodMillis, level + elapsed * capacity);
                updatedAt = now;
            }
        }
    }
}
