package market.resale.platform.kafka;

import java.util.Map;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * A record a processor emits, with the topic it goes to. A decision produces different events
 * (cancelled, rejected, window closed, dead letter) from one processor, in the same transaction as
 * the state change; routing them by value keeps the topology to one sink.
 */
public record Outbound(String topic, Object value, String subjectTopic) {

    public Outbound {
        if (!(value instanceof SpecificRecord || value instanceof byte[])) {
            throw new IllegalArgumentException("An outbound value is an Avro record or raw bytes");
        }
    }

    public static <V extends SpecificRecord> Outbound to(Topic<V> topic, V value) {
        return new Outbound(topic.name(), value, topic.name());
    }

    /** A dead letter: the bytes of the record as it arrived, unchanged ({@link DeadLetters}). */
    public static Outbound deadLetter(String applicationId, byte[] value) {
        return new Outbound(Topic.deadLetterTopic(applicationId), value, null);
    }

    /** The sink of a topology: each record to its own topic, serialized with the registry. */
    public static Produced<String, Outbound> produced(SchemaRegistryClient registry) {
        return Produced.with(Serdes.String(), serde(registry)).withName("outbound");
    }

    public static TopicNameExtractor<String, Outbound> topicExtractor() {
        return (key, value, context) -> value.topic();
    }

    public static Serde<Outbound> serde(SchemaRegistryClient registry) {
        var avro = new AvroSerializer<SpecificRecord>(registry, false);
        Serializer<Outbound> serializer = new Serializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
            }

            @Override
            public byte[] serialize(String topic, Outbound data) {
                if (data == null) {
                    return null;
                }
                return data.value() instanceof byte[] raw ? raw : avro.serialize(data.subjectTopic(), (SpecificRecord) data.value());
            }
        };
        Deserializer<Outbound> deserializer = (topic, bytes) -> {
            throw new UnsupportedOperationException("Outbound records are written, never read");
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
