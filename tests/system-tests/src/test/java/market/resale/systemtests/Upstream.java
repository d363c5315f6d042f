package market.resale.systemtests;

import java.util.Properties;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** A producer as an upstream app has one: plain string keys, the project's Avro serializer configured by class name. */
final class Upstream {

    private Upstream() {
    }

    static <V extends SpecificRecord> KafkaProducer<String, V> producer(String bootstrapServers, String registryUrl) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
        props.put(RegistrySettings.URL, registryUrl);
        return new KafkaProducer<>(props);
    }
}
