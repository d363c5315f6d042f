package market.resale.credits;

import market.resale.credits.config.CreditsSettings;
import market.resale.credits.stream.CreditsTopology;
import market.resale.schemas.registry.SchemaRegistryClient;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@EnableConfigurationProperties(CreditsSettings.class)
public class CreditsApplication {

    @Bean
    Topology creditsTopology(SchemaRegistryClient registry, @Value("${spring.application.name}") String applicationId) {
        return CreditsTopology.build(registry, applicationId);
    }

    public static void main(String[] args) {
        SpringApplication.run(CreditsApplication.class, args);
    }
}
