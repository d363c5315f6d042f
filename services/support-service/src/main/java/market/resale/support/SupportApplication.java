package market.resale.support;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.support.config.ConsoleSettings;
import market.resale.support.config.SupportSettings;
import market.resale.support.stream.CaseBacklog;
import market.resale.support.stream.SupportTopology;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@EnableConfigurationProperties({SupportSettings.class, ConsoleSettings.class})
public class SupportApplication {

    /** The support console's page and its settings need no token: they hold no data (the page calls the API with the agent's). */
    @Bean
    market.resale.platform.security.PublicPaths consolePaths() {
        return new market.resale.platform.security.PublicPaths(java.util.List.of("/console/config", "/console/**"));
    }

    @Bean
    Topology supportTopology(MeterRegistry meters, SupportSettings settings, SchemaRegistryClient registry,
                             @Value("${spring.application.name}") String applicationId, CommitWatch commits,
                             RecordTracing tracing) {
        return SupportTopology.build(settings, registry, applicationId, meters, commits, tracing);
    }

    @Bean
    CaseBacklog caseBacklog(KeyOwnerRouter router, Clock clock, SupportSettings settings, MeterRegistry meters) {
        return new CaseBacklog(() -> router.localStore(SupportTopology.SUMMARIES_STORE), clock, settings.backlogRefresh(), meters);
    }

    public static void main(String[] args) {
        // Its own config file name, so that several services can share a classpath (system tests).
        new SpringApplicationBuilder(SupportApplication.class).properties("spring.config.name=support-service").run(args);
    }
}
