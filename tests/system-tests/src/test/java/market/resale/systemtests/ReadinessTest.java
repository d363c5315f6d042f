package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import market.resale.orders.OrdersApplication;
import market.resale.platform.kafka.StreamsRunner;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.junit.jupiter.api.Test;

/** The probes follow Kafka Streams: an instance whose stream processing is not RUNNING gets no traffic. */
class ReadinessTest {

    @Test
    void readinessGoesDownWhenKafkaStreamsStopsAndUpWhenItRunsAgain() {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        try (var orders = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-readiness",
                kafka.bootstrapServers(), registry.ccompatUrl(), Map.of())) {
            await().atMost(Duration.ofSeconds(60)).until(orders::ready);

            orders.bean(StreamsRunner.class).stop();

            await().atMost(Duration.ofSeconds(30)).until(() -> !orders.ready());
            assertThat(orders.get("/actuator/health/readiness", null).status()).isEqualTo(503);
            assertThat(orders.get("/actuator/health/liveness", null).status()).isEqualTo(200);
            assertThat(orders.getText("/actuator/prometheus")).contains("kafka_streams_running{application=\"orders-service\"} 0.0");

            orders.bean(StreamsRunner.class).start();

            await().atMost(Duration.ofSeconds(60)).until(orders::ready);
        }
    }
}
