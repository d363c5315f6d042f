package market.resale.platform.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.env.Environment;

/**
 * Per-user rate limits on write endpoints, {@code app.rate-limits.<name>.*}: each is a token bucket of
 * {@code capacity} requests, refilled evenly over {@code per} (so {@code capacity: 10, per: 1m} allows a
 * burst of 10, then one request every 6 s), applied to the requests whose method is one of
 * {@code methods} (default POST) and whose path matches one of {@code paths} (Spring path patterns,
 * such as {@code /orders/{orderId}/cancellations}). A request matching several limits takes from the
 * first (by name). No limits configured: nothing is limited.
 */
public record RateLimitSettings(Map<String, Limit> limits) {

    public record Limit(List<String> paths, @DefaultValue("POST") List<String> methods, @DefaultValue("10") int capacity,
                        @DefaultValue("1m") Duration per) {

        public Limit {
            if (paths == null || paths.isEmpty()) {
                throw new IllegalArgumentException("A rate limit needs at least one path");
            }
            if (capacity < 1) {
                throw new IllegalArgumentException("A rate limit's capacity is at least 1");
            }
            if (per == null || per.isNegative() || per.isZero()) {
                throw new IllegalArgumentException("A rate limit's period (per) is positive");
            }
            paths = List.copyOf(paths);
            methods = methods == null || methods.isEmpty() ? List.of("POST") : List.copyOf(methods);
        }
    }

    public RateLimitSettings {
        limits = limits == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(limits));
    }

    public static RateLimitSettings bind(Environment environment) {
        return new RateLimitSettings(Binder.get(environment)
                .bind("app.rate-limits", Bindable.mapOf(String.class, Limit.class)).orElse(Map.of()));
    }
}
