package market.resale.opstools;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import market.resale.schemas.ops.RedriveAudit;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.AvroSerdes;
import market.resale.schemas.topics.DeadLetterHeaders;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Replays dead letters to the topic they came from, after the cause was fixed (an order that arrived
 * late, a bug fixed and deployed). Each dead letter goes back byte for byte, with its original headers
 * (the {@code dlt.*} ones removed) and to its original partition, in the same transaction as its audit
 * record on {@code ops.redrive-audit} (who, why, when, from where). A dead letter with an audit record
 * is never replayed again, so running the same re-drive twice, or two operators at once (the second is
 * fenced by the shared transactional id), replays each dead letter once; the services' own idempotence
 * (commands are decided once per command id) covers the rest.
 */
public final class Redrive {

    static final String REPLAYED_FROM = "redrive.from";
    private static final int BATCH = 200;

    /** What a selection matched: replayed now, replayed before (skipped), and one line per dead letter. */
    public record Result(int replayed, int alreadyReplayed, List<String> lines) {
    }

    private final Map<String, Object> clientConfig;
    private final SchemaRegistryClient registry;
    private final Clock clock;

    public Redrive(Map<String, Object> clientConfig, SchemaRegistryClient registry, Clock clock) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.registry = registry;
        this.clock = clock;
    }

    /** Dead letters of one topic chosen by key, by coordinates, by reason, or all of them. */
    public record Selection(String key, Integer partition, Long offset, String reason) implements Predicate<ConsumerRecord<String, byte[]>> {

        public static Selection all() {
            return new Selection(null, null, null, null);
        }

        @Override
        public boolean test(ConsumerRecord<String, byte[]> r) {
            return (key == null || key.equals(r.key())) && (partition == null || partition == r.partition())
                    && (offset == null || offset == r.offset()) && (reason == null || reason.equals(header(r, DeadLetterHeaders.REASON)));
        }
    }

    public Result replay(String deadLetterTopic, Selection selection, String operator, String note, boolean dryRun) {
        if (!deadLetterTopic.endsWith(".dlt")) {
            throw new IllegalArgumentException(deadLetterTopic + " is not a dead-letter topic (<application-id>.dlt)");
        }
        if (operator == null || operator.isBlank() || note == null || note.isBlank()) {
            throw new IllegalArgumentException("A re-drive names its operator and says why (--operator, --note)");
        }
        var props = new Properties();
        props.putAll(clientConfig);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "ops-tools-redrive-" + deadLetterTopic);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.SUPPORT_MAX_RECORD_BYTES + 64 * 1024);
        var auditSerializer = AvroSerdes.specific(registry, RedriveAudit.class, false).serializer();
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            // First fence any earlier run on this topic (its open transaction is aborted), then read the audit.
            producer.initTransactions();
            var done = replayedBefore();
            var lines = new ArrayList<String>();
            var chosen = new ArrayList<ConsumerRecord<String, byte[]>>();
            var already = new int[1];
            try (var snapshot = new TopicSnapshot(clientConfig, List.of(deadLetterTopic))) {
                snapshot.read(deadLetterTopic, r -> {
                    if (!selection.test(r)) {
                        return;
                    }
                    if (done.contains(coordinates(r))) {
                        already[0]++;
                        lines.add("skipped " + coordinates(r) + ": replayed before");
                    } else if (header(r, DeadLetterHeaders.SOURCE_TOPIC) == null) {
                        lines.add("skipped " + coordinates(r) + ": no dlt.source.topic header");
                    } else {
                        chosen.add(r);
                    }
                });
            }
            for (int from = 0; from < chosen.size(); from += BATCH) {
                var batch = chosen.subList(from, Math.min(chosen.size(), from + BATCH));
                if (!dryRun) {
                    producer.beginTransaction();
                }
                for (var r : batch) {
                    var source = header(r, DeadLetterHeaders.SOURCE_TOPIC);
                    var partition = parseInt(header(r, DeadLetterHeaders.SOURCE_PARTITION));
                    var headers = new RecordHeaders();
                    r.headers().forEach(h -> {
                        if (!h.key().startsWith(DeadLetterHeaders.PREFIX) && !h.key().equals(REPLAYED_FROM)) {
                            headers.add(h);
                        }
                    });
                    headers.add(REPLAYED_FROM, coordinates(r).getBytes(StandardCharsets.UTF_8));
                    var audit = RedriveAudit.newBuilder()
                            .setDeadLetterTopic(r.topic()).setDeadLetterPartition(r.partition()).setDeadLetterOffset(r.offset())
                            .setSourceTopic(source).setSourcePartition(partition)
                            .setSourceOffset(parseLong(header(r, DeadLetterHeaders.SOURCE_OFFSET))).setKey(r.key())
                            .setDeadLetterReason(header(r, DeadLetterHeaders.REASON)).setOperator(operator).setNote(note)
                            .setRedrivenAt(clock.instant()).build();
                    lines.add((dryRun ? "would replay " : "replayed ") + coordinates(r) + " -> " + source
                            + (partition == null ? "" : "/" + partition) + " key " + r.key() + " (" + header(r, DeadLetterHeaders.REASON) + ")");
                    if (!dryRun) {
                        producer.send(new ProducerRecord<>(source, partition, r.key(), r.value(), headers));
                        producer.send(new ProducerRecord<>(Topics.REDRIVE_AUDIT.name(), coordinates(r),
                                auditSerializer.serialize(Topics.REDRIVE_AUDIT.name(), audit)));
                    }
                }
                if (!dryRun) {
                    producer.commitTransaction();
                }
            }
            return new Result(dryRun ? 0 : chosen.size(), already[0], lines);
        }
    }

    private Set<String> replayedBefore() {
        var done = new HashSet<String>();
        var deserializer = AvroSerdes.specific(registry, RedriveAudit.class, false).deserializer();
        try (var snapshot = new TopicSnapshot(clientConfig, List.of(Topics.REDRIVE_AUDIT.name()))) {
            snapshot.read(Topics.REDRIVE_AUDIT.name(), r -> {
                var audit = deserializer.deserialize(r.topic(), r.value());
                done.add(audit.getDeadLetterTopic() + "/" + audit.getDeadLetterPartition() + "/" + audit.getDeadLetterOffset());
            });
        }
        return done;
    }

    static String coordinates(ConsumerRecord<?, ?> r) {
        return r.topic() + "/" + r.partition() + "/" + r.offset();
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Integer parseInt(String s) {
        try {
            return s == null ? null : Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long parseLong(String s) {
        try {
            return s == null ? null : Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The command line: see {@link OpsTools}. */
    static int command(Map<String, Object> client, Map<String, String> options, PrintStream out, PrintStream err) {
        var registry = SchemaRegistryClients.forSettings(RegistrySettings.of(OpsTools.required(options, "registry-url")));
        var selection = new Selection(options.get("key"),
                options.containsKey("partition") ? Integer.valueOf(options.get("partition")) : null,
                options.containsKey("offset") ? Long.valueOf(options.get("offset")) : null, options.get("reason"));
        var result = new Redrive(new HashMap<>(client), registry, Clock.systemUTC()).replay(
                OpsTools.required(options, "dead-letter-topic"), selection, options.get("operator"), options.get("note"),
                Boolean.parseBoolean(options.getOrDefault("dry-run", "false")));
        result.lines().forEach(out::println);
        out.printf("%d replayed, %d replayed before (skipped)%n", result.replayed(), result.alreadyReplayed());
        return 0;
    }
}
