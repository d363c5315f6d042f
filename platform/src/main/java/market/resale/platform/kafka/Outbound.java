package market.resale.platform.kafka;

import java.util.Map;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
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

    /** A dead letter of a record that could not be read: its bytes, unchanged. */
    public static Outbound deadLetter(String applicationId, byte[] value) {
        return new Outbound(Topic.deadLetterTopic(applicationId), value, null);
    }

    /**
     * A dead letter of a record that was read but refused: written as it was on its source topic
     * (the source topic's subject), so whoever re-drives it reads it with the source topic's schema.
     */
    public static Outbound deadLetter(String applicationId, String sourceTopic, SpecificRecord value) {
        return new Outbound(Topic.deadLetterTopic(applicationId), value, sourceTopic);
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

            @Override
            public byte[] serialize(String topic, Headers headers, Outbound data) {
                // A refused record's dead letter names where it came from, so that ops-tools redrive can send it
                // back (an unreadable one has these headers already, with its partition and offset).
                if (data != null && headers != null && data.subjectTopic() != null && data.topic().endsWith(".dlt")
                        && headers.lastHeader(DeadLetters.SOURCE_TOPIC) == null) {
                    headers.add(DeadLetters.SOURCE_TOPIC, DeadLetters.bytes(data.subjectTopic()));
                    headers.add(DeadLetters.APPLICATION, DeadLetters.bytes(
                            data.topic().substring(0, data.topic().length() - ".dlt".length())));
                }
                return serialize(topic, data);
            }
        };
        Deserializer<Outbound> deserializer = (topic, bytes) -> {
            throw new UnsupportedOperationException("Outbound records are written, never read");
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
