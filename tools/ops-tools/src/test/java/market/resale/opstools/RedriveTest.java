package market.resale.opstools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import market.resale.schemas.ops.RedriveAudit;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.AvroSerdes;
import market.resale.schemas.serde.TrustedPackages;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Re-driving a dead-letter topic on the real broker: the bytes go back to their source partition with
 * their own headers, each dead letter once however often the re-drive runs, each with an audit record.
 * (That the replayed record is then processed once is {@code RedriveTest} in system-tests, with orders-service.)
 */
class RedriveTest {

    private static final String DLT = "shipping-service.dlt";
    private static final Instant NOW = Instant.parse("2026-11-27T06:00:00Z");

    @BeforeAll
    static void infrastructure() {
        TrustedPackages.register();
        ReconciliationTest.kafka = KafkaSeam.shared();
        ReconciliationTest.registry = ApicurioRegistry.shared();
        ReconciliationTest.createCatalogue();
    }

    @Test
    void replaysEachDeadLetterOnceWithAnAuditRecord() throws Exception {
        for (var key : List.of("k1", "k2", "k3")) {
            ReconciliationTest.sendRaw(DLT, key, ("scan of " + key).getBytes(StandardCharsets.UTF_8), Map.of(
                    "dlt.source.topic", Topics.CARRIER_SCANS.name(), "dlt.source.partition", "2", "dlt.source.offset", "10",
                    "dlt.reason", key.equals("k2") ? "not-deserializable" : "invalid", "trace", "t-" + key));
        }
        var redrive = new Redrive(Map.of("bootstrap.servers", ReconciliationTest.kafka.bootstrapServers()),
                SchemaRegistryClients.forSettings(RegistrySettings.of(ReconciliationTest.registry.ccompatUrl())),
                Clock.fixed(NOW, ZoneOffset.UTC));

        assertThatThrownBy(() -> redrive.replay(DLT, Redrive.Selection.all(), "", "why", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--operator");
        assertThatThrownBy(() -> redrive.replay(Topics.CARRIER_SCANS.name(), Redrive.Selection.all(), "ann", "why", false))
                .hasMessageContaining("not a dead-letter topic");

        var dry = redrive.replay(DLT, Redrive.Selection.all(), "ann", "label printer fixed", true);
        assertThat(dry.replayed()).isZero();
        assertThat(dry.lines()).hasSize(3).allMatch(l -> l.startsWith("would replay"));
        assertThat(scans()).isEmpty();

        var one = redrive.replay(DLT, new Redrive.Selection("k1", null, null, null), "ann", "label printer fixed", false);
        assertThat(one.replayed()).isEqualTo(1);
        // commitTransaction returns once the commit is decided; the markers reach the partitions right after.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scans()).hasSize(1));
        var replayed = scans();
        var scan = replayed.get(0);
        assertThat(scan.partition()).isEqualTo(2);
        assertThat(scan.key()).isEqualTo("k1");
        assertThat(new String(scan.value(), StandardCharsets.UTF_8)).isEqualTo("scan of k1");
        assertThat(new String(scan.headers().lastHeader("trace").value(), StandardCharsets.UTF_8)).isEqualTo("t-k1");
        assertThat(scan.headers().lastHeader("dlt.reason")).isNull();
        assertThat(new String(scan.headers().lastHeader(Redrive.REPLAYED_FROM).value(), StandardCharsets.UTF_8))
                .isEqualTo(DLT + "/0/0");

        var byReason = redrive.replay(DLT, new Redrive.Selection(null, null, null, "invalid"), "ann", "validator fixed", false);
        assertThat(byReason.replayed()).isEqualTo(1); // k3; k1 was replayed before
        assertThat(byReason.alreadyReplayed()).isEqualTo(1);

        var again = redrive.replay(DLT, Redrive.Selection.all(), "bob", "once more", false);
        assertThat(again.replayed()).isEqualTo(1); // only k2 is left
        var last = redrive.replay(DLT, Redrive.Selection.all(), "bob", "once more", false);
        assertThat(last.replayed()).isZero();
        assertThat(last.alreadyReplayed()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(scans()).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("k1", "k3", "k2"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit()).hasSize(3));
        var audit = audit();
        assertThat(audit).extracting(RedriveAudit::getKey).containsExactly("k1", "k3", "k2");
        assertThat(audit.get(0).getOperator()).isEqualTo("ann");
        assertThat(audit.get(0).getNote()).isEqualTo("label printer fixed");
        assertThat(audit.get(0).getDeadLetterReason()).isEqualTo("invalid");
        assertThat(audit.get(0).getSourceTopic()).isEqualTo(Topics.CARRIER_SCANS.name());
        assertThat(audit.get(0).getSourceOffset()).isEqualTo(10L);
        assertThat(audit.get(0).getRedrivenAt()).isEqualTo(NOW);
        assertThat(audit.get(2).getOperator()).isEqualTo("bob");
    }

    private static List<ConsumerRecord<String, byte[]>> scans() {
        return readAll(Topics.CARRIER_SCANS.name());
    }

    private static List<RedriveAudit> audit() {
        var deserializer = AvroSerdes.specific(SchemaRegistryClients.forSettings(
                RegistrySettings.of(ReconciliationTest.registry.ccompatUrl())), RedriveAudit.class, false).deserializer();
        return readAll(Topics.REDRIVE_AUDIT.name()).stream().map(r -> deserializer.deserialize(r.topic(), r.value())).toList();
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ReconciliationTest.kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var records = new ArrayList<ConsumerRecord<String, byte[]>>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
