package market.resale.schemas.serde;

import market.resale.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Kafka Streams serdes over the project's serializer and deserializer. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    public static <T extends SpecificRecord> Serde<T> specific(SchemaRegistryClient registry, Class<T> type, boolean isKey) {
        return Serdes.serdeFrom(new AvroSerializer<>(registry, isKey), new AvroDeserializer<>(registry, type));
    }
}
