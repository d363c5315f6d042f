package market.resale.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryClients;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records in the Confluent wire format, registering the schema under the topic-name
 * strategy's subject ({@code <topic>-value} or {@code <topic>-key}), or with
 * {@code auto.register.schemas=false} only looking up the id it is registered under there (failing
 * when it is not: {@link SchemaRegistryClients#lookupOnly}). Works as a plain Kafka
 * serializer (configured by class name with {@code schema.registry.url}) and inside Streams serdes.
 */
public class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

    public static final String AUTO_REGISTER = "auto.register.schemas";

    private SchemaRegistryClient registry;
    private boolean isKey;
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    public AvroSerializer() {
    }

    public AvroSerializer(SchemaRegistryClient registry, boolean isKey) {
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            registry = SchemaRegistryClients.forConfig(configs);
        }
        Object auto = configs.get(AUTO_REGISTER);
        if (auto != null && !Boolean.parseBoolean(auto.toString())) {
            registry = SchemaRegistryClients.lookupOnly(registry); // (forConfig honours it already; a given client too)
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer used before configure(): schema.registry.url is missing");
        }
        Schema schema = record.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        int id = register(subject, schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(WireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
            encoders.set(encoder);
            writers.computeIfAbsent(schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForSchema(s))).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not write " + schema.getFullName() + " for " + subject + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private int register(String subject, Schema schema) {
        try {
            return registry.register(subject, schema);
        } catch (RuntimeException e) {
            throw new SerializationException("No id for the schema of " + schema.getFullName() + " under " + subject + ": " + e.getMessage(), e);
        }
    }
}
