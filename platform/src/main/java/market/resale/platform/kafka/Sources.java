package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Consumes a topic as bytes and decodes it inside the topology. A record that cannot be decoded
 * (not Avro, unknown schema id, incompatible schema, no value) goes to the application's
 * dead-letter topic byte for byte with the reason in headers, in the same transaction as
 * everything else, and the stream goes on with the next record. (A deserialization exception
 * handler could not do that transactionally: it would need a producer of its own.)
 */
public final class Sources {

    private Sources() {
    }

    public static <V extends SpecificRecord> KStream<String, V> avro(StreamsBuilder builder, Topic<V> topic,
                                                                     SchemaRegistryClient registry, String applicationId,
                                                                     MeterRegistry meters) {
        var name = topic.name().replace('.', '-');
        var deserializer = topic.valueSerde(registry).deserializer();
        var decoded = builder.stream(topic.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-" + name))
                .processValues(() -> new Decode<>(deserializer, topic, applicationId, meters), Named.as("decode-" + name));
        var branches = decoded.split(Named.as("decoded-" + name + "-"))
                .branch((key, value) -> value instanceof Outbound, Branched.as("dead"))
                .defaultBranch(Branched.as("ok"));
        branches.get("decoded-" + name + "-dead")
                .mapValues(value -> (Outbound) value, Named.as("dead-letter-" + name))
                .to(Outbound.topicExtractor(), Outbound.produced(registry).withName("dead-letters-" + name));
        return branches.get("decoded-" + name + "-ok").mapValues(value -> topic.valueType().cast(value), Named.as("typed-" + name));
    }

    private static final class Decode<V extends SpecificRecord> implements FixedKeyProcessor<String, byte[], Object> {

        private final Deserializer<V> deserializer;
        private final Topic<V> topic;
        private final String applicationId;
        private final MeterRegistry meters;
        private FixedKeyProcessorContext<String, Object> context;

        Decode(Deserializer<V> deserializer, Topic<V> topic, String applicationId, MeterRegistry meters) {
            this.deserializer = deserializer;
            this.topic = topic;
            this.applicationId = applicationId;
            this.meters = meters;
        }

        @Override
        public void init(FixedKeyProcessorContext<String, Object> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            if (record.value() == null) {
                deadLetter(record, new byte[0], DeadLetters.INVALID, "record has no value");
                return;
            }
            V value;
            try {
                value = deserializer.deserialize(topic.name(), record.headers(), record.value());
            } catch (RuntimeException e) {
                deadLetter(record, record.value(), DeadLetters.NOT_DESERIALIZABLE, rootMessage(e));
                return;
            }
            context.forward(record.withValue(value));
        }

        private void deadLetter(FixedKeyRecord<String, byte[]> record, byte[] value, String reason, String detail) {
            var headers = new org.apache.kafka.common.header.internals.RecordHeaders(record.headers().toArray());
            DeadLetters.describe(headers, reason, detail);
            context.recordMetadata().ifPresent(m -> {
                headers.add(DeadLetters.SOURCE_TOPIC, DeadLetters.bytes(m.topic()));
                headers.add(DeadLetters.SOURCE_PARTITION, DeadLetters.bytes(Integer.toString(m.partition())));
                headers.add(DeadLetters.SOURCE_OFFSET, DeadLetters.bytes(Long.toString(m.offset())));
            });
            headers.add(DeadLetters.APPLICATION, DeadLetters.bytes(applicationId));
            context.forward(record.withValue((Object) Outbound.deadLetter(applicationId, value)).withHeaders(headers));
            DeadLetters.counted(meters, topic.name(), record.key(), reason, detail);
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
