package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import market.resale.credits.CreditsApplication;
import market.resale.opstools.Redrive;
import market.resale.orders.OrdersApplication;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.AvroDeserializer;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A cancel command that arrived before its order's placement is dead-lettered (unknown-order); once the
 * placement is in, {@code ops-tools redrive} replays it: the order is cancelled once and credited once,
 * a second re-drive replays nothing, and even the same bytes sent again by hand change nothing.
 */
class RedriveTest {

    @Test
    void aReplayedDeadLetterIsProcessedExactlyOnce() throws Exception {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        var run = UUID.randomUUID().toString().substring(0, 8);
        var orderId = "redrive-" + run;
        var buyer = "redrive-buyer-" + run;
        var orders = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-redrive", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        var credits = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits-redrive", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        try (var producer = Upstream.<SpecificRecord>producer(kafka.bootstrapServers(), registry.ccompatUrl());
             var deadLetters = reader(kafka.bootstrapServers(), Topic.deadLetterTopic("orders-service"), run);
             var cancelled = reader(kafka.bootstrapServers(), Topics.ORDER_CANCELLED.name(), run);
             var issued = reader(kafka.bootstrapServers(), Topics.CREDIT_ISSUED.name(), run)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> orders.ready() && credits.ready());
            var now = Instant.now();
            var command = CancelOrderCommand.newBuilder().setCommandId(buyer + ":redrive-key").setOrderId(orderId)
                    .setActor(Actor.BUYER).setActorId(buyer).setReason(CancelReason.CHANGED_MIND).setExpectedVersion(1L).setRequestedAt(now).build();
            producer.send(new ProducerRecord<>(Topics.CANCEL_COMMANDS.name(), orderId, command)).get();

            var dead = new ArrayList<ConsumerRecord<String, byte[]>>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                collect(deadLetters, orderId, dead);
                return !dead.isEmpty();
            });
            assertThat(header(dead.getFirst(), "dlt.reason")).isEqualTo("unknown-order");

            // The fix: the placement arrives (late). The dead letter stays dead until it is re-driven.
            producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, OrderPlaced.newBuilder()
                    .setOrderId(orderId).setBuyerId(buyer).setSellerId("redrive-seller").setListingId("l-" + orderId)
                    .setTitle("Silk scarf").setSize(null).setCondition(ItemCondition.EXCELLENT).setPriceCents(3_000)
                    .setShippingCents(500).setTaxCents(240).setCreditsAppliedCents(0).setCurrency("USD")
                    .setPlacedAt(now.minusSeconds(60)).build())).get();
            var token = orders.token(buyer, "BUYER");
            await().atMost(Duration.ofSeconds(30)).until(() -> orders.get("/orders/" + orderId, token).status() == 200);
            assertThat(orders.get("/orders/" + orderId, token).body().get("status").asString()).isEqualTo("PLACED");

            var redrive = new Redrive(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    SchemaRegistryClients.forSettings(RegistrySettings.of(registry.ccompatUrl())), Clock.systemUTC());
            var selection = new Redrive.Selection(orderId, null, null, null);
            var first = redrive.replay(Topic.deadLetterTopic("orders-service"), selection, "on-call", "placement arrived late", false);
            assertThat(first.replayed()).isEqualTo(1);

            var cancellations = new ArrayList<ConsumerRecord<String, byte[]>>();
            var credited = new ArrayList<ConsumerRecord<String, byte[]>>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                collect(cancelled, orderId, cancellations);
                collect(issued, null, credited);
                credited.removeIf(r -> !creditFor(registry, r, orderId));
                return !cancellations.isEmpty() && !credited.isEmpty();
            });
            var cancellation = decode(registry, Topics.ORDER_CANCELLED, cancellations.getFirst());
            assertThat(cancellation.getCommandId()).isEqualTo(command.getCommandId());
            assertThat(cancellation.getRefund().getTotalCents()).isEqualTo(3_740);

            // Again: the audit says it was replayed; nothing goes out.
            var second = redrive.replay(Topic.deadLetterTopic("orders-service"), selection, "on-call", "once more", false);
            assertThat(second.replayed()).isZero();
            assertThat(second.alreadyReplayed()).isEqualTo(1);
            // And the same bytes replayed by some other means: decided already, so ignored.
            producer.send(new ProducerRecord<>(Topics.CANCEL_COMMANDS.name(), orderId, command)).get();
            var marker = "redrive-marker-" + run;
            producer.send(new ProducerRecord<>(Topics.CANCEL_COMMANDS.name(), orderId, CancelOrderCommand.newBuilder(command)
                    .setCommandId(marker).build())).get();
            // The marker command (same order, after the duplicate) is decided: everything before it was processed.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    orders.get("/orders/" + orderId + "/cancellations/" + marker, token).status() == 200);
            for (int i = 0; i < 5; i++) {
                collect(cancelled, orderId, cancellations);
                collect(issued, null, credited);
            }
            credited.removeIf(r -> !creditFor(registry, r, orderId));
            assertThat(cancellations).as("cancellations of the re-driven order").hasSize(1);
            assertThat(credited).as("credits for the re-driven order").hasSize(1);
            var token2 = credits.token(buyer, "BUYER");
            assertThat(credits.get("/accounts/" + buyer, token2).body().at("/balances/0/amountCents").asLong()).isEqualTo(3_740);
        } finally {
            credits.close();
            orders.close();
        }
    }

    private static KafkaConsumer<String, byte[]> reader(String bootstrap, String topic, String run) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "redrive-test-" + run + "-" + topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static void collect(KafkaConsumer<String, byte[]> consumer, String key, List<ConsumerRecord<String, byte[]>> into) {
        for (var record : consumer.poll(Duration.ofMillis(200))) {
            if (key == null || key.equals(record.key())) {
                into.add(record);
            }
        }
    }

    private static <T extends SpecificRecord> T decode(ApicurioRegistry registry, Topic<T> topic, ConsumerRecord<String, byte[]> r) {
        try {
            return new AvroDeserializer<>(SchemaRegistryClients.forSettings(RegistrySettings.of(registry.ccompatUrl())),
                    topic.valueType()).deserialize(topic.name(), r.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean creditFor(ApicurioRegistry registry, ConsumerRecord<String, byte[]> r, String orderId) {
        var credit = decode(registry, Topics.CREDIT_ISSUED, r);
        return credit != null && credit.getOrderId().equals(orderId);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
