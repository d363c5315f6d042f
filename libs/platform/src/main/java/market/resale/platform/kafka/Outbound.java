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
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A record a processor emits, with the topic it goes to. A decision produces different events
 * (cancelled, rejected, window closed, dead letter) from one processor, in the same transaction as
 * the state change; {@link #sinks} sends each to a named sink of its own topic, so that
 * {@code Topology.describe()} names every topic a service writes.
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

    /**
     * The sinks of a processor's output: one named sink per topic it may write ({@code topics}, and the service's
     * dead-letter topic), each record to the sink of its topic, serialized with the registry. A record for a topic not
     * declared here fails the stream thread: what a topology writes is what it says it writes.
     *
     * @param name the prefix of the branch and sink names ({@code <name>-to-<topic>})
     */
    public static void sinks(KStream<String, Outbound> output, SchemaRegistryClient registry, String name, String applicationId,
                             List<Topic<?>> topics) {
        var produced = Produced.with(Serdes.String(), serde(registry));
        var names = new ArrayList<String>();
        topics.forEach(t -> names.add(t.name()));
        names.add(Topic.deadLetterTopic(applicationId));
        var branches = output.split(Named.as(name + "-"));
        for (var topic : names) {
            branches = branches.branch((key, value) -> value.topic().equals(topic),
                    Branched.<String, Outbound>withConsumer(stream -> stream.to(topic, produced.withName(name + "-to-" + topic)))
                            .withName("for-" + topic));
        }
        branches.defaultBranch(Branched.<String, Outbound>withConsumer(stream -> stream.foreach((key, value) -> {
            throw new IllegalStateException(name + " wrote to " + value.topic() + ", which is not one of its declared outputs " + names);
        }, Named.as(name + "-refuse-undeclared"))).withName("undeclared"));
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
