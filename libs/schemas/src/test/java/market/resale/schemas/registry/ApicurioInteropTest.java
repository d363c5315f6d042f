package market.resale.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import market.resale.schemas.RecordMother;
import market.resale.schemas.serde.AvroDeserializer;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.SharedInfrastructure;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our serdes against the real Apicurio Registry and Apicurio's own Kafka serdes: what an upstream
 * app using a stock serializer publishes, we read, and the other way round.
 */
@ExtendWith(SharedInfrastructure.class)
class ApicurioInteropTest {

    private final ApicurioRegistry apicurio;
    /** Subjects are global in the shared registry: each test writes to topics of its own. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    ApicurioInteropTest(ApicurioRegistry apicurio) {
        this.apicurio = apicurio;
    }

    /**
     * How Apicurio's serializer registers a schema that uses named types of its own (our enums, Refund):
     * by default each nested type becomes an artifact of its own that the top-level schema references;
     * dereferenced, the whole schema goes into the one subject.
     */
    enum Nesting {
        REFERENCES(false), DEREFERENCED(true);

        final boolean dereference;

        Nesting(boolean dereference) {
            this.dereference = dereference;
        }
    }

    static Stream<Arguments> topics() {
        return Stream.of(Nesting.values()).flatMap(nesting -> Topics.ALL.stream().map(topic -> Arguments.of(nesting, topic)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("topics")
    <V extends SpecificRecord> void weReadWhatApicuriosSerializerWrites(Nesting nesting, Topic<V> topic) {
        // Given: an upstream producer on Apicurio's stock serializer, registering under <topic>-value
        String topicName = topic.name() + "." + run;
        V value = RecordMother.sample(topic.valueType());
        byte[] bytes;
        try (var theirs = new AvroKafkaSerializer<V>()) {
            theirs.configure(apicurioConfig(nesting), false);
            bytes = theirs.serialize(topicName, value);
        }

        // When
        V read;
        try (var ours = new AvroDeserializer<V>()) {
            ours.configure(Map.of(RegistrySettings.URL, apicurio.ccompatUrl(),
                    AvroDeserializer.VALUE_TYPE, topic.valueType().getName()), false);
            read = ours.deserialize(topicName, bytes);
        }

        // Then: Confluent framing with the id the Confluent API knows the subject's schema by, references resolved
        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(ccompat().getById(id)).isEqualTo(value.getSchema());
        if (nesting == Nesting.DEREFERENCED) {
            assertThat(id).isEqualTo(ccompat().register(topicName + "-value", value.getSchema()));
        }
        assertThat(read).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("topics")
    <V extends SpecificRecord> void apicuriosDeserializerReadsWhatWeWrite(Nesting nesting, Topic<V> topic) {
        // Given
        String topicName = topic.name() + "." + run;
        V value = RecordMother.sample(topic.valueType());
        byte[] bytes;
        try (var ours = new AvroSerializer<V>()) {
            ours.configure(Map.of(RegistrySettings.URL, apicurio.ccompatUrl()), false);
            bytes = ours.serialize(topicName, value);
        }

        // When
        Object read;
        try (var theirs = new AvroKafkaDeserializer<V>()) {
            Map<String, Object> config = apicurioConfig(nesting);
            config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
            theirs.configure(config, false);
            read = theirs.deserialize(topicName, bytes);
        }

        // Then
        assertThat(read).isEqualTo(value);
    }

    /**
     * Apicurio's serdes, set up the way this project's registry is used: auto-registration under the
     * topic-name strategy ({@code <topic>-value} in the default group, which is what the Confluent API
     * calls a subject), the schema id in the payload (not in headers) as the 4-byte content id that the
     * Confluent API hands out. Nested named types as references (Apicurio's default) or inlined.
     */
    private Map<String, Object> apicurioConfig(Nesting nesting) {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaResolverConfig.REGISTRY_URL, apicurio.nativeUrl());
        config.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, true);
        config.put(SchemaResolverConfig.ARTIFACT_RESOLVER_STRATEGY, io.apicurio.registry.serde.strategy.TopicIdStrategy.class.getName());
        config.put(KafkaSerdeConfig.ENABLE_HEADERS, false);
        config.put(SerdeConfig.ID_HANDLER, io.apicurio.registry.serde.Default4ByteIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, nesting.dereference);
        return config;
    }

    private SchemaRegistryClient ccompat() {
        return new HttpSchemaRegistryClient(RegistrySettings.of(apicurio.ccompatUrl()));
    }
}
