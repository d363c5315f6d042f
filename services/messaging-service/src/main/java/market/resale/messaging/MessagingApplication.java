package market.resale.messaging;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.stream.MessagingTopology;
import market.resale.messaging.stream.NotificationFeed;
import market.resale.platform.kafka.KafkaSettings;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import org.apache.kafka.streams.Topology;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@EnableConfigurationProperties(MessagingSettings.class)
public class MessagingApplication {

    @Bean
    Topology messagingTopology(MeterRegistry meters, MessagingSettings settings, SchemaRegistryClient registry,
                               @Value("${spring.application.name}") String applicationId, Clock clock, CommitWatch commits,
                               RecordTracing tracing) {
        return MessagingTopology.build(settings, registry, applicationId, meters, clock, commits, tracing);
    }

    @Bean
    NotificationFeed notificationFeed(KafkaSettings kafka, SchemaRegistryClient registry, MeterRegistry meters,
                                      @Value("${spring.application.name}") String applicationId) {
        var feed = new NotificationFeed(() -> NotificationFeed.kafkaConsumer(kafka, registry, applicationId + "-live-notifications"), meters);
        Gauge.builder("live_notification_streams", feed, NotificationFeed::connections)
                .description("Live notification streams open on this instance").register(meters);
        return feed;
    }

    public static void main(String[] args) {
        // Its own config file name, so that several services can share a classpath (system tests).
        new SpringApplicationBuilder(MessagingApplication.class).properties("spring.config.name=messaging-service").run(args);
    }
}
