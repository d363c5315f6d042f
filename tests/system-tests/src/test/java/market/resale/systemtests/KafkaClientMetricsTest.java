package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import market.resale.messaging.MessagingApplication;
import market.resale.orders.OrdersApplication;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.junit.jupiter.api.Test;

/**
 * What ops expect of every Kafka client: its Micrometer client metrics in the scrape, the hand-made ones too — the
 * HTTP side's command producer ({@code <service>-http}) and messaging's live-notification consumer — beside Kafka
 * Streams' own producers and consumers. The service-health dashboard draws them ({@code kafka_producer_*},
 * {@code kafka_consumer_*} by {@code client_id}).
 */
class KafkaClientMetricsTest {

    @Test
    void everyProducerAndConsumerIsInTheScrape() {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        try (var orders = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-client-metrics",
                kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
             var messaging = ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging-client-metrics",
                     kafka.bootstrapServers(), registry.ccompatUrl(), Map.of())) {
            await().atMost(Duration.ofSeconds(90)).until(() -> orders.ready() && messaging.ready());

            var ordersScrape = orders.getText("/actuator/prometheus");
            assertThat(ordersScrape)
                    .containsPattern("kafka_producer_record_send_total\\{[^}]*client_id=\"orders-service-http\"")
                    .containsPattern("kafka_producer_record_error_total\\{[^}]*client_id=\"orders-service-http\"")
                    .containsPattern("kafka_producer_record_send_total\\{[^}]*client_id=\"[^\"]*StreamThread-1-producer\"")
                    .containsPattern("kafka_consumer_fetch_manager_records_consumed_total\\{[^}]*client_id=\"[^\"]*StreamThread-1-consumer\"");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(messaging.getText("/actuator/prometheus"))
                    .containsPattern("kafka_consumer_fetch_manager_records_consumed_total\\{[^}]*client_id=\"[^\"]*live-notifications\"")
                    .containsPattern("kafka_producer_record_send_total\\{[^}]*client_id=\"messaging-service-http\""));
        }
    }
}
