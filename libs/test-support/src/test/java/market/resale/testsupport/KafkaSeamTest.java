package market.resale.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaSeamTest {

    @Test
    void startsCreatesTopicsCarriesRecordsAndStops() throws Exception {
        KafkaSeam kafka = KafkaSeam.start();
        try {
            // Given
            kafka.createTopics(List.of("seam.a", "seam.b"), 3);
            kafka.createTopics(List.of("seam.a"), 3); // again: already there, not an error

            try (Admin admin = admin(kafka.bootstrapServers(), 30_000)) {
                var topics = admin.describeTopics(List.of("seam.a", "seam.b")).allTopicNames().get(30, TimeUnit.SECONDS);
                assertThat(topics.get("seam.a").partitions()).hasSize(3);
                assertThat(topics.get("seam.b").partitions()).hasSize(3);
            }

            // When
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("seam.a", "order-1", "placed")).get(30, TimeUnit.SECONDS);
            }

            // Then
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "seam-test",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("seam.a"));
                List<ConsumerRecord<String, String>> received = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                }
                assertThat(received).extracting(ConsumerRecord::key, ConsumerRecord::value)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("order-1", "placed"));
            }
        } finally {
            kafka.close();
        }

        try (Admin admin = admin(kafka.bootstrapServers(), 2_000)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void embeddedBrokerListensOnLoopback() {
        KafkaSeam kafka = KafkaSeam.shared();
        if (kafka.kind() == KafkaSeam.Kind.EMBEDDED) {
            assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        }
        assertThat(KafkaSeam.shared()).isSameAs(kafka);
    }

    private static Admin admin(String bootstrapServers, int timeoutMs) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs));
    }
}
