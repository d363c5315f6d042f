package market.resale.schemas.topics;

import java.util.Map;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic with its key and value types. Keys are plain strings (the upstream contract keys by
 * {@code orderId} as a plain string, and every internal topic follows it); values are Avro records
 * in the Confluent wire format, registered under {@code <topic>-value}.
 *
 * @param name        the topic name
 * @param valueType   the generated Avro class of the values
 * @param partitions  the partition count the topic is created with (the unit of scaling)
 * @param compacted   whether the topic is a table (latest value per key) rather than a log
 * @param configs     further topic configs it must be created with (for example a larger {@code max.message.bytes})
 */
public record Topic<V extends SpecificRecord>(String name, Class<V> valueType, int partitions, boolean compacted,
                                              Map<String, String> configs) {

    public Topic {
        configs = Map.copyOf(configs);
    }

    public Topic(String name, Class<V> valueType, int partitions, boolean compacted) {
        this(name, valueType, partitions, compacted, Map.of());
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    public Serde<V> valueSerde(SchemaRegistryClient registry) {
        return AvroSerdes.specific(registry, valueType, false);
    }

    /** The schema this project writes the values with (its generated class's). */
    public org.apache.avro.Schema valueSchema() {
        return org.apache.avro.specific.SpecificData.get().getSchema(valueType);
    }

    /** The registry subject of the values (default topic-name strategy). */
    public String valueSubject() {
        return name + "-value";
    }

    /** The dead-letter topic of a consumer of this topic in the given application. */
    public static String deadLetterTopic(String applicationId) {
        return applicationId + ".dlt";
    }

    @Override
    public String toString() {
        return name;
    }
}
