package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import market.resale.credits.CreditsApplication;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.Refund;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroDeserializer;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Credit is issued exactly once per cancelled order even when cancellations are redelivered and
 * credits-service is stopped while it is working through them, then started again.
 */
class CreditsRestartTest {

    private static final int ORDERS = 400;
    private static final int USERS = 8;

    @Test
    void redeliveriesAndARestartMidStreamLeaveExactlyOneCreditPerOrder() throws Exception {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        var run = UUID.randomUUID().toString().substring(0, 8);
        var stateDir = Files.createTempDirectory("credits-restart");
        var props = Map.<String, Object>of("app.kafka.state-dir", stateDir.toString());

        var expected = new HashMap<String, Long>();
        var cancellations = new ArrayList<OrderCancelled>();
        for (int i = 0; i < ORDERS; i++) {
            var buyer = "restart-" + run + "-" + (i % USERS);
            var total = 1_000L + i;
            cancellations.add(cancellation("o-" + run + "-" + i, buyer, total));
            expected.merge(buyer, total, Long::sum);
        }

        var first = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits-a", kafka.bootstrapServers(),
                registry.ccompatUrl(), props);
        try (var producer = Upstream.<OrderCancelled>producer(kafka.bootstrapServers(), registry.ccompatUrl());
             var issued = issuedConsumer(kafka.bootstrapServers(), registry.ccompatUrl(), run)) {
            await().atMost(Duration.ofSeconds(60)).until(first::ready);
            // Every cancellation, then every one of them again (an upstream redelivery).
            for (int round = 0; round < 2; round++) {
                for (var c : cancellations) {
                    producer.send(new ProducerRecord<>(Topics.ORDER_CANCELLED.name(), c.getOrderId(), c));
                }
            }
            producer.flush();

            var seen = new ArrayList<CreditIssued>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                poll(issued, run, seen);
                return !seen.isEmpty();
            });
            // The meters name the business (checked on the instance that issued credits for sure), counted once committed.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(first.getText("/actuator/prometheus"))
                    .contains("credit_issued_total{").contains("application=\"credits-service\""));
            first.close(); // stopped while it still has cancellations to work through
            System.out.printf("credits-service stopped after %d of %d credits were committed%n", seen.size(), ORDERS);

            var second = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits-b",
                    kafka.bootstrapServers(), registry.ccompatUrl(), props);
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    poll(issued, run, seen);
                    return seen.size() >= ORDERS;
                });
                // Give any duplicate the chance to show up: everything upstream must be consumed first.
                await().atMost(Duration.ofSeconds(60)).until(second::ready);
                for (int i = 0; i < 10; i++) {
                    poll(issued, run, seen);
                }

                assertThat(seen).hasSize(ORDERS);
                assertThat(seen.stream().map(CreditIssued::getOrderId).distinct()).hasSize(ORDERS);
                for (var entry : expected.entrySet()) {
                    var token = second.token(entry.getKey(), "BUYER");
                    var balance = second.get("/accounts/" + entry.getKey(), token).body();
                    assertThat(balance.at("/balances/0/amountCents").asLong()).as(entry.getKey()).isEqualTo(entry.getValue());
                }
            } finally {
                second.close();
            }
        } finally {
            first.close();
        }
    }

    private static void poll(KafkaConsumer<String, CreditIssued> consumer, String run, List<CreditIssued> seen) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
            if (record.value() != null && record.value().getOrderId().startsWith("o-" + run + "-")) {
                seen.add(record.value());
            }
        }
    }

    private static OrderCancelled cancellation(String orderId, String buyer, long total) {
        var now = Instant.now();
        return OrderCancelled.newBuilder().setOrderId(orderId).setCommandId("cmd-" + orderId).setBuyerId(buyer)
                .setSellerId("seller-x").setActor(Actor.BUYER).setActorId(buyer).setReason(CancelReason.CHANGED_MIND)
                .setRefund(Refund.newBuilder().setItemCents(total).setShippingCents(0).setTaxCents(0)
                        .setCreditsAppliedCents(0).setTotalCents(total).setCurrency("USD").build())
                .setPlacedAt(now.minusSeconds(60)).setCancelledAt(now).build();
    }

    private static KafkaConsumer<String, CreditIssued> issuedConsumer(String bootstrap, String registryUrl, String run) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-test-" + run);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, PoisonTolerantDeserializer.class);
        props.put(AvroDeserializer.SPECIFIC_READER, true);
        props.put(AvroDeserializer.VALUE_TYPE, CreditIssued.class.getName());
        props.put(RegistrySettings.URL, registryUrl);
        var consumer = new KafkaConsumer<String, CreditIssued>(props);
        consumer.subscribe(List.of(Topics.CREDIT_ISSUED.name()));
        return consumer;
    }
}
