package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Consumes a topic as bytes and decodes it inside the topology. A record that cannot be decoded (a key that is not
 * UTF-8, not Avro, unknown schema id, incompatible schema, no value) goes to the application's dead-letter topic byte for
 * byte with the reason in headers, in the same transaction as everything else, and the stream goes on with the next
 * record. (A deserialization exception handler could not do that transactionally: it would need a producer of its own.)
 * A record that decodes is handed on with its {@link Arrival}, so that a processor that refuses it dead-letters the
 * same bytes.
 */
public final class Sources {

    private Sources() {
    }

    public static <V extends SpecificRecord> KStream<String, V> avro(StreamsBuilder builder, Topic<V> topic,
                                                                     SchemaRegistryClient registry, String applicationId,
                                                                     MeterRegistry meters) {
        var name = topic.name().replace('.', '-');
        var raw = builder.stream(topic.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-" + name));
        return decoded(raw, name, topic, topic.valueSerde(registry).deserializer(), applicationId, meters);
    }

    /**
     * The topic's records by another key ({@code keyOf}), through the repartition topic {@code repartitionName}, which
     * carries each record's value bytes and headers unchanged: a processor downstream that refuses one dead-letters the
     * bytes the upstream wrote (read from the repartition topic, where its headers say it was).
     */
    public static <V extends SpecificRecord> KStream<String, V> avroBy(StreamsBuilder builder, Topic<V> topic,
                                                                       BiFunction<String, V, String> keyOf, String repartitionName,
                                                                       SchemaRegistryClient registry, String applicationId,
                                                                       MeterRegistry meters) {
        var rekeyed = avro(builder, topic, registry, applicationId, meters)
                .process(() -> new Rekey<>(keyOf), Named.as("rekey-" + repartitionName))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(repartitionName));
        return decoded(rekeyed, repartitionName, topic, topic.valueSerde(registry).deserializer(), applicationId, meters);
    }

    private static <V extends SpecificRecord> KStream<String, V> decoded(KStream<byte[], byte[]> raw, String name, Topic<V> topic,
                                                                         Deserializer<V> deserializer, String applicationId,
                                                                         MeterRegistry meters) {
        var decoded = raw.process(() -> new Decode<>(deserializer, topic, applicationId, meters), Named.as("decode-" + name));
        var branches = decoded.split(Named.as("decoded-" + name + "-"))
                .branch((key, value) -> value instanceof Unreadable, Branched.as("dead"))
                .defaultBranch(Branched.as("ok"));
        branches.get("decoded-" + name + "-dead")
                .map((key, value) -> KeyValue.pair(((Unreadable) value).arrival().key(), ((Unreadable) value).arrival().value()),
                        Named.as("dead-letter-" + name))
                .to(Topic.deadLetterTopic(applicationId), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName("dead-letters-" + name));
        return branches.get("decoded-" + name + "-ok").mapValues(value -> topic.valueType().cast(value), Named.as("typed-" + name));
    }

    /** A record that could not be decoded, on its way to the dead-letter topic as it arrived. */
    private record Unreadable(Arrival arrival) {
    }

    private static final class Decode<V extends SpecificRecord> implements Processor<byte[], byte[], String, Object> {

        private final Deserializer<V> deserializer;
        private final Topic<V> topic;
        private final String applicationId;
        private final MeterRegistry meters;
        private ProcessorContext<String, Object> context;

        Decode(Deserializer<V> deserializer, Topic<V> topic, String applicationId, MeterRegistry meters) {
            this.deserializer = deserializer;
            this.topic = topic;
            this.applicationId = applicationId;
            this.meters = meters;
        }

        @Override
        public void init(ProcessorContext<String, Object> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            var metadata = context.recordMetadata().orElseThrow();
            var arrival = new Arrival(topic.name(), metadata.topic(), metadata.partition(), metadata.offset(), record.key(),
                    record.value(), record.headers());
            String key;
            try {
                key = record.key() == null ? null : StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(record.key())).toString();
            } catch (CharacterCodingException e) {
                unreadable(record, arrival, DeadLetters.NOT_DESERIALIZABLE, "the key is not UTF-8");
                return;
            }
            if (record.value() == null) {
                unreadable(record, arrival, DeadLetters.INVALID, "record has no value");
                return;
            }
            V value;
            try {
                value = deserializer.deserialize(topic.name(), record.headers(), record.value());
            } catch (RuntimeException e) {
                unreadable(record, arrival, DeadLetters.NOT_DESERIALIZABLE, rootMessage(e));
                return;
            }
            arrival.during(() -> context.forward(new Record<String, Object>(key, value, record.timestamp(), record.headers())));
        }

        private void unreadable(Record<byte[], byte[]> record, Arrival arrival, String reason, String detail) {
            context.forward(new Record<String, Object>(null, new Unreadable(arrival), record.timestamp(),
                    DeadLetters.headers(arrival, applicationId, reason, detail)));
            var key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            DeadLetters.counted(meters, topic.name(), key, reason, detail);
        }
    }

    /** Forwards each record under its new key with the bytes and headers it arrived with. */
    private static final class Rekey<V> implements Processor<String, V, byte[], byte[]> {

        private final BiFunction<String, V, String> keyOf;
        private ProcessorContext<byte[], byte[]> context;

        Rekey(BiFunction<String, V, String> keyOf) {
            this.keyOf = keyOf;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, V> record) {
            var arrival = Arrival.of(context.recordMetadata()).orElseThrow();
            var key = keyOf.apply(record.key(), record.value());
            context.forward(new Record<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8), arrival.value(), record.timestamp(),
                    arrival.headers()));
        }
    }

    static String rootMessage(Throwable exception) {
        var message = new StringBuilder();
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!message.isEmpty()) {
                message.append(": ");
            }
            message.append(t.getClass().getSimpleName()).append(' ').append(t.getMessage());
        }
        return message.toString();
    }
}
