package market.resale.opstools;

import static market.resale.schemas.RecordMother.TOTAL_CENTS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import market.resale.schemas.RecordMother;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.serde.TrustedPackages;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation over a constructed history on the real broker and registry: exact figures when
 * everything holds, lag as SETTLING, and every kind of broken promise named, also through the command line.
 */
class ReconciliationTest {

    static KafkaSeam kafka;
    static ApicurioRegistry registry;

    @BeforeAll
    static void infrastructure() {
        TrustedPackages.register();
        kafka = KafkaSeam.shared();
        registry = ApicurioRegistry.shared();
        createCatalogue();
    }

    /** Every topic of the catalogue with its own partition count. */
    static void createCatalogue() {
        Topics.specs().stream().collect(java.util.stream.Collectors.groupingBy(Topics.Spec::partitions))
                .forEach((partitions, specs) -> kafka.createTopics(specs.stream().map(Topics.Spec::name).toList(), partitions));
    }

    private Reconciliation reconciliation() {
        return new Reconciliation(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                SchemaRegistryClients.forSettings(RegistrySettings.of(registry.ccompatUrl())));
    }

    @Test
    void consistentThenBehindThenBroken() throws Exception {
        // A consistent history: three orders, three commands; two cancelled and credited, one refused; one poison placement
        // from upstream, which orders-service dead-lettered as it arrived (accounted for: not a violation).
        for (var id : List.of("o1", "o2", "o3")) {
            send(Topics.ORDER_PLACED, id, RecordMother.orderPlaced(id).build());
            send(Topics.CANCEL_COMMANDS, id, RecordMother.cancelOrderCommand().setOrderId(id).setCommandId("c-" + id).build());
        }
        for (var id : List.of("o1", "o2")) {
            send(Topics.ORDER_CANCELLED, id, RecordMother.orderCancelled(id, RecordMother.CANCELLED_AT).setCommandId("c-" + id).build());
            send(Topics.CREDIT_ISSUED, RecordMother.BUYER_ID, RecordMother.creditIssued().setOrderId(id).setCancelCommandId("c-" + id).build());
        }
        send(Topics.CANCELLATION_REJECTED, "o3", RecordMother.cancellationRejected().setOrderId("o3").setCommandId("c-o3").build());
        var poison = "not Avro".getBytes(StandardCharsets.UTF_8);
        var arrived = sendRaw(Topics.ORDER_PLACED.name(), "poison", poison, Map.of());
        sendRaw(Topic.deadLetterTopic("orders-service"), "poison", poison, Map.of("dlt.source.topic", Topics.ORDER_PLACED.name(),
                "dlt.source.partition", String.valueOf(arrived.partition()), "dlt.source.offset", String.valueOf(arrived.offset()),
                "dlt.reason", "not-deserializable"));

        var report = reconciliation().run();
        assertThat(report.violations()).isEmpty();
        assertThat(report.pending()).isEmpty();
        assertThat(report.verdict()).isEqualTo(Reconciliation.Verdict.CONSISTENT);
        assertThat(report.figures()).containsAllEntriesOf(Map.of("orders_placed", 3L, "cancel_commands", 3L,
                "cancellations", 2L, "refusals", 1L, "credits_issued", 2L, "unreadable_records", 0L, "unreadable_dead_lettered", 1L,
                "credited_cents", 2 * TOTAL_CENTS, "refunded_cents", 2 * TOTAL_CENTS, "lag", 0L));

        // credits-service's group is behind on orders.order-cancelled (its 2 cancellations).
        try (var admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            var zero = new java.util.HashMap<TopicPartition, OffsetAndMetadata>();
            for (int p = 0; p < Topics.PARTITIONS; p++) {
                zero.put(new TopicPartition(Topics.ORDER_CANCELLED.name(), p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets("credits-service", zero).all().get();
            var behind = reconciliation().run();
            assertThat(behind.lag()).containsEntry("credits-service", 2L).containsEntry("orders-service", 0L);
            assertThat(behind.verdict()).isEqualTo(Reconciliation.Verdict.SETTLING);

            var ends = admin.listOffsets(zero.keySet().stream().collect(java.util.stream.Collectors.toMap(p -> p,
                    p -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get();
            var caughtUp = new java.util.HashMap<TopicPartition, OffsetAndMetadata>();
            ends.forEach((p, info) -> caughtUp.put(p, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets("credits-service", caughtUp).all().get();
            assertThat(reconciliation().run().verdict()).isEqualTo(Reconciliation.Verdict.CONSISTENT);
        }

        // Now break each promise once.
        send(Topics.ORDER_PLACED, "o4", RecordMother.orderPlaced("o4").build());
        send(Topics.ORDER_PLACED, "o5", RecordMother.orderPlaced("o5").build());
        send(Topics.CANCEL_COMMANDS, "o4", RecordMother.cancelOrderCommand().setOrderId("o4").setCommandId("c-o4").build());
        send(Topics.CANCEL_COMMANDS, "o5", RecordMother.cancelOrderCommand().setOrderId("o5").setCommandId("c-o5").build());
        send(Topics.CANCEL_COMMANDS, "o9", RecordMother.cancelOrderCommand().setOrderId("o9").setCommandId("c-o9").build());
        // o4: cancelled, not credited (pending); o5: undecided (pending); o9: unknown order, dead-lettered (fine).
        send(Topics.ORDER_CANCELLED, "o4", RecordMother.orderCancelled("o4", RecordMother.CANCELLED_AT).setCommandId("c-o4").build());
        sendRaw(Topic.deadLetterTopic("orders-service"), "o9", avro(Topics.CANCEL_COMMANDS.name(),
                RecordMother.cancelOrderCommand().setOrderId("o9").setCommandId("c-o9").build()),
                Map.of("dlt.source.topic", Topics.CANCEL_COMMANDS.name(), "dlt.reason", "unknown-order"));
        // o1 credited a second time; o7 credited without a cancellation; o2 cancelled a second time; a record of the
        // system's own that cannot be read.
        send(Topics.CREDIT_ISSUED, RecordMother.BUYER_ID, RecordMother.creditIssued().setOrderId("o1").setCancelCommandId("c-o1").build());
        send(Topics.CREDIT_ISSUED, RecordMother.BUYER_ID, RecordMother.creditIssued().setOrderId("o7").setCancelCommandId("c-o7").build());
        send(Topics.ORDER_CANCELLED, "o2", RecordMother.orderCancelled("o2", RecordMother.CANCELLED_AT).setCommandId("c-o2b").build());
        var unreadable = sendRaw(Topics.ORDER_CANCELLED.name(), "o8", poison, Map.of());

        var broken = reconciliation().run();
        assertThat(broken.verdict()).isEqualTo(Reconciliation.Verdict.VIOLATED);
        assertThat(broken.figures()).containsAllEntriesOf(Map.of("duplicate_credits", 1L, "credits_without_cancellation", 1L,
                "orders_cancelled_twice", 1L, "decisions_without_command", 1L, "commands_undecided", 1L,
                "cancellations_uncredited", 1L, "commands_dead_lettered", 1L, "credits_issued", 4L,
                "credited_cents", 4 * TOTAL_CENTS, "refunded_cents", 3 * TOTAL_CENTS));
        assertThat(broken.violations()).contains("order o1 (2 credits) credited more than once",
                "order o7 credited but not cancelled", "order o2 cancelled more than once",
                "decision for command c-o2b, which is not on orders.cancel-commands",
                "unreadable record " + Topics.ORDER_CANCELLED.name() + "/" + unreadable.partition() + "@" + unreadable.offset()
                        + ": Not in the Confluent wire format: unknown magic byte 110");
        assertThat(broken.figures()).containsEntry("unreadable_records", 1L);
        assertThat(broken.pending()).contains("command c-o5 (order o5) not decided yet", "order o4 cancelled, no credit yet");

        // The command line says the same, with exit code 1.
        var out = new ByteArrayOutputStream();
        var code = OpsTools.run(new String[] {"reconcile", "--bootstrap-servers=" + kafka.bootstrapServers(),
                "--registry-url=" + registry.ccompatUrl()}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"verdict\" : \"VIOLATED\"").contains("order o7 credited but not cancelled");
    }

    static <V extends SpecificRecord> void send(Topic<V> topic, String key, V value) throws Exception {
        sendRaw(topic.name(), key, avro(topic.name(), value), Map.of());
    }

    static byte[] avro(String topic, SpecificRecord value) {
        var serializer = new AvroSerializer<SpecificRecord>();
        serializer.configure(Map.of(RegistrySettings.URL, registry.ccompatUrl()), false);
        return serializer.serialize(topic, value);
    }

    static org.apache.kafka.clients.producer.RecordMetadata sendRaw(String topic, String key, byte[] value, Map<String, String> headers)
            throws ExecutionException, InterruptedException {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            var record = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            return producer.send(record).get();
        }
    }
}
