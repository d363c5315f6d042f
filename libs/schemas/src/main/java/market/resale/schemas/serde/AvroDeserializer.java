package market.resale.schemas.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryClients;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format: looks the writer schema up by id (cached) and resolves it against
 * the reader schema of the target class, so that a producer on an older or newer compatible schema is
 * read correctly. Without a target class it reads into the generated class named by the writer schema
 * ({@code specific.avro.reader=true}) or into a generic record.
 */
public class AvroDeserializer<T extends GenericContainer> implements org.apache.kafka.common.serialization.Deserializer<T> {

    public static final String SPECIFIC_READER = "specific.avro.reader";
    public static final String VALUE_TYPE = "specific.avro.value.type";
    public static final String KEY_TYPE = "specific.avro.key.type";

    private SchemaRegistryClient registry;
    private Class<T> type;
    private boolean specific;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

    public AvroDeserializer() {
    }

    public AvroDeserializer(SchemaRegistryClient registry, Class<T> type) {
        this.registry = registry;
        this.type = type;
        this.specific = type != null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SchemaRegistryClients.forConfig(configs);
        }
        Object typeName = configs.get(isKey ? KEY_TYPE : VALUE_TYPE);
        if (type == null && typeName != null) {
            try {
                type = (Class<T>) Class.forName(typeName.toString());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("No class " + typeName, e);
            }
        }
        specific = type != null || Boolean.parseBoolean(String.valueOf(configs.get(SPECIFIC_READER)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        int id = WireFormat.schemaId(payload);
        DatumReader<Object> reader = readers.computeIfAbsent(id, this::readerFor);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload, WireFormat.HEADER_SIZE,
                    payload.length - WireFormat.HEADER_SIZE, decoders.get());
            decoders.set(decoder);
            Object value = reader.read(null, decoder);
            if (type != null && !type.isInstance(value)) {
                throw new SerializationException("Schema id " + id + " on " + topic + " is " + value.getClass().getName() + ", not " + type.getName());
            }
            return (T) value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("Could not read an Avro record with schema id " + id + " from " + topic + ": " + e, e);
        }
    }

    private DatumReader<Object> readerFor(int id) {
        Schema writer;
        try {
            writer = registry.getById(id);
        } catch (RuntimeException e) {
            throw new SerializationException("Unknown schema id " + id + ": " + e.getMessage(), e);
        }
        if (!specific) {
            return new GenericDatumReader<>(writer);
        }
        Schema reader = type != null ? SpecificData.get().getSchema(type) : SpecificData.get().getSchema(SpecificData.get().getClass(writer));
        if (reader == null) {
            throw new SerializationException("No generated class for " + writer.getFullName());
        }
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
    }

    static {
        TrustedPackages.register();
    }
}
