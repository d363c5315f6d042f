package market.resale.platform.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

@AutoConfiguration
@Import(ProblemHandling.class)
public class WebConfiguration {

    /** Every decision that depends on time reads this clock; tests replace it. */
    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Per-user token buckets on the write endpoints named in {@code app.rate-limits.*} (429 rate-limited). */
    @Bean
    RateLimiting rateLimiting(Environment environment, Clock clock, ObjectProvider<MeterRegistry> meters) {
        return new RateLimiting(RateLimitSettings.bind(environment), clock, meters.getIfAvailable());
    }

    /** A declared Content-Length above {@code app.web.max-body-size} is refused before it is read (413 body-too-large). */
    @Bean
    BodySizeLimit bodySizeLimit(@Value("${app.web.max-body-size:64KB}") DataSize max) {
        return new BodySizeLimit(max);
    }

    /** Requests the security firewall refuses are answered as problem+json too. */
    @Bean
    static FirewallRejections firewallRejections() {
        return new FirewallRejections();
    }

    /** No silent coercion of request bodies (numbers into text or enum constants, fractions into whole numbers). */
    @Bean
    StrictJson strictJson() {
        return new StrictJson();
    }

    /**
     * Observed like the server side: a forwarded request is a client span of the caller's trace and carries its traceparent.
     * Its mark is signed with {@code app.web.forward-key}, which every instance of a service shares (a Kubernetes secret,
     * compose's environment); without one an instance signs with a key of its own, so it recognises no other instance's
     * forwards (each then answers what it owns itself, and a forward during a rebalance may be forwarded once more).
     */
    @Bean
    Forwarder forwarder(ObjectProvider<ObservationRegistry> observations, Clock clock,
                        @Value("${app.web.forward-key:}") String forwardKey) {
        byte[] key;
        if (forwardKey.isBlank()) {
            key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            org.slf4j.LoggerFactory.getLogger(Forwarder.class).warn(
                    "app.web.forward-key is not set: forwards from other instances of this service will not be recognised");
        } else {
            key = forwardKey.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new Forwarder(WebClient.builder().observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP)),
                Duration.ofSeconds(10), key, clock);
    }
}
