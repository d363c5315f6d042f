package market.resale.systemtests;

import java.util.Map;
import market.resale.schemas.serde.AvroDeserializer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The project's Avro deserializer for test consumers of the shared broker, where HttpFuzzTest leaves
 * poison records on every topic on purpose: a record that cannot be read comes back as null (the
 * services dead-letter it; a test's reader skips it), so the order of test classes does not matter.
 */
public class PoisonTolerantDeserializer implements Deserializer<Object> {

    private final AvroDeserializer delegate = new AvroDeserializer();

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        try {
            return delegate.deserialize(topic, data);
        } catch (SerializationException poison) {
            return null;
        }
    }

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        try {
            return delegate.deserialize(topic, headers, data);
        } catch (SerializationException poison) {
            return null;
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
