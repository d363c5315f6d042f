package market.resale.orders;

import market.resale.orders.config.OrdersSettings;
import market.resale.orders.stream.OrdersTopology;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@EnableConfigurationProperties(OrdersSettings.class)
public class OrdersApplication {

    @Bean
    Topology ordersTopology(MeterRegistry meters, OrdersSettings settings, SchemaRegistryClient registry,
                            @Value("${spring.application.name}") String applicationId,
                            CommitWatch commits, RecordTracing tracing) {
        return OrdersTopology.build(settings, registry, applicationId, meters, commits, tracing);
    }

    public static void main(String[] args) {
        // Its own config file name, so that several services can share a classpath (system tests).
        new SpringApplicationBuilder(OrdersApplication.class).properties("spring.config.name=orders-service").run(args);
    }
}
