package market.resale.shipping;

import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.shipping.config.ShippingSettings;
import market.resale.shipping.stream.ShippingTopology;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@EnableConfigurationProperties(ShippingSettings.class)
public class ShippingApplication {

    @Bean
    Topology shippingTopology(MeterRegistry meters, ShippingSettings settings, SchemaRegistryClient registry,
                              @Value("${spring.application.name}") String applicationId, CommitWatch commits,
                              RecordTracing tracing) {
        return ShippingTopology.build(settings, registry, applicationId, meters, commits, tracing);
    }

    public static void main(String[] args) {
        // Its own config file name, so that several services can share a classpath (system tests).
        new SpringApplicationBuilder(ShippingApplication.class).properties("spring.config.name=shipping-service").run(args);
    }
}
