package market.resale.platform.ops;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * How every service stops: in seconds, in every state. SIGTERM (Ctrl-C under {@code ./stack up}, a pod's deletion)
 * closes Kafka Streams first (its transactions committed or aborted, its threads out of the group, within
 * {@code StreamsRunner.CLOSE_TIMEOUT}, 8 s: a replacement stream thread may be in the middle of joining its group), then
 * lets requests in flight finish for at most {@code spring.lifecycle.timeout-per-shutdown-phase} (3 s; a live
 * notification stream never finishes by itself). Kubernetes' grace period (30 s) and {@code ./stack}'s (12 s) are above
 * the sum. These are defaults: a service's own configuration or the environment overrides them.
 */
public class ShutdownDefaults implements EnvironmentPostProcessor {

    static final Map<String, Object> DEFAULTS = Map.of(
            "server.shutdown", "graceful",
            "spring.lifecycle.timeout-per-shutdown-phase", "3s");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource("platform-shutdown-defaults", DEFAULTS));
    }
}
