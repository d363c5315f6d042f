package market.resale.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import market.resale.schemas.RecordMother;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.registry.InMemorySchemaRegistry;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryException;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSerdeTest {

    private final String scope = "avro-serde-test-" + UUID.randomUUID();
    private final SchemaRegistryClient registry = InMemorySchemaRegistry.scope(scope);

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void writesTheConfluentWireFormat() throws Exception {
        // Given
        OrderPlaced order = RecordMother.orderPlaced().build();

        // When
        byte[] bytes = Topics.ORDER_PLACED.valueSerde(registry).serializer().serialize(Topics.ORDER_PLACED.name(), order);

        // Then: magic byte 0, the id registered under <topic>-value as a 4-byte big-endian int, then plain Avro binary
        int id = registry.register("checkout.order-placed-value", OrderPlaced.getClassSchema());
        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(avroBinary(order));
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
    }

    static Stream<Topic<?>> topics() {
        return Topics.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    <V extends SpecificRecord> void roundTripsTheValueOfEveryTopic(Topic<V> topic) {
        // Given
        V value = RecordMother.sample(topic.valueType());
        Serde<V> serde = topic.valueSerde(registry);

        // When
        V read = serde.deserializer().deserialize(topic.name(), serde.serializer().serialize(topic.name(), value));

        // Then
        assertThat(read).isEqualTo(value);
        assertThat(registry.getById(WireFormat.schemaId(serde.serializer().serialize(topic.name(), value))))
                .isEqualTo(value.getSchema());
    }

    @Test
    void worksConfiguredByClassNameAsKafkaClientsDo() {
        // Given: the way a producer/consumer configures them from properties
        Map<String, Object> config = Map.of(RegistrySettings.URL, "mock://" + scope,
                AvroDeserializer.SPECIFIC_READER, "true");
        try (var serializer = new AvroSerializer<OrderPlaced>(); var deserializer = new AvroDeserializer<OrderPlaced>()) {
            serializer.configure(config, false);
            deserializer.configure(config, false);
            OrderPlaced order = RecordMother.orderPlaced().setSize(null).build();

            // When
            OrderPlaced read = deserializer.deserialize("checkout.order-placed", serializer.serialize("checkout.order-placed", order));

            // Then: the class named by the writer schema, without being told
            assertThat(read).isEqualTo(order);
        }
    }

    @Test
    void withoutAutoRegistrationWritesWithTheIdTheSchemaIsRegisteredUnder() {
        // Given: the schema registered beforehand (by a deployment step), two versions under the subject
        registry.register("checkout.order-placed-value", withoutField(OrderPlaced.getClassSchema(), "size"));
        int id = registry.register("checkout.order-placed-value", OrderPlaced.getClassSchema());
        OrderPlaced order = RecordMother.orderPlaced().build();

        // When
        byte[] bytes;
        try (var serializer = new AvroSerializer<OrderPlaced>()) {
            serializer.configure(Map.of(RegistrySettings.URL, "mock://" + scope, AvroSerializer.AUTO_REGISTER, "false"), false);
            bytes = serializer.serialize("checkout.order-placed", order);
        }

        // Then: the exact schema's id, and readable
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(id).isEqualTo(registry.lookup("checkout.order-placed-value", OrderPlaced.getClassSchema()));
        assertThat(new AvroDeserializer<>(registry, OrderPlaced.class).deserialize("checkout.order-placed", bytes)).isEqualTo(order);
    }

    @Test
    void withoutAutoRegistrationRefusesASchemaThatIsNotRegisteredAndRegistersNothing() {
        // Given
        var serializer = new AvroSerializer<OrderPlaced>();
        serializer.configure(Map.of(RegistrySettings.URL, "mock://" + scope, AvroSerializer.AUTO_REGISTER, false), false);
        OrderPlaced order = RecordMother.orderPlaced().build();

        // When no subject / Then
        assertThatThrownBy(() -> serializer.serialize("checkout.order-placed", order))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not registered under subject checkout.order-placed-value")
                .hasMessageContaining("auto.register.schemas is false");
        assertThatThrownBy(() -> registry.lookup("checkout.order-placed-value", OrderPlaced.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));

        // When the subject holds only an older version / Then: the exact schema is required
        registry.register("checkout.order-placed-value", withoutField(OrderPlaced.getClassSchema(), "size"));
        assertThatThrownBy(() -> serializer.serialize("checkout.order-placed", order))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not registered under subject checkout.order-placed-value");
        assertThatThrownBy(() -> registry.lookup("checkout.order-placed-value", OrderPlaced.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    }

    @Test
    void readsDataWrittenWithAnOlderSchemaIntoTheNewerClass() {
        // Given: a producer still on a version of OrderPlaced without the (defaulted) size field
        Schema older = withoutField(OrderPlaced.getClassSchema(), "size");
        GenericRecord written = new GenericData.Record(older);
        OrderPlaced expected = RecordMother.orderPlaced().setSize(null).build();
        older.getFields().forEach(field -> written.put(field.name(), expected.get(field.name())));
        byte[] bytes = new AvroSerializer<GenericRecord>(registry, false).serialize("checkout.order-placed", written);

        // When
        OrderPlaced read = new AvroDeserializer<>(registry, OrderPlaced.class).deserialize("checkout.order-placed", bytes);

        // Then: resolved against the reader schema of the generated class, size takes its default
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void readsIntoAGenericRecordWithoutTypeInformation() {
        byte[] bytes = Topics.CARRIER_SCANS.valueSerde(registry).serializer()
                .serialize("carrier.scans", RecordMother.carrierScan().build());

        var deserializer = new AvroDeserializer<GenericRecord>();
        deserializer.configure(Map.of(RegistrySettings.URL, "mock://" + scope), false);
        GenericRecord read = deserializer.deserialize("carrier.scans", bytes);

        assertThat(read.getSchema().getFullName()).isEqualTo("market.resale.schemas.carrier.CarrierScan");
        assertThat(read.get("scanType")).hasToString("ACCEPTED");
    }

    @Test
    void refusesPayloadsThatAreNotInTheWireFormat() {
        var deserializer = new AvroDeserializer<>(registry, OrderPlaced.class);

        assertThatThrownBy(() -> deserializer.deserialize("checkout.order-placed", new byte[] {1, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte 1");
        assertThatThrownBy(() -> deserializer.deserialize("checkout.order-placed", new byte[] {0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("5-byte header");
        assertThatThrownBy(() -> deserializer.deserialize("checkout.order-placed", new byte[] {0, 0, 0, 0x7f, 0x7f, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Unknown schema id " + 0x7f7f);
    }

    @Test
    void refusesARecordOfAnotherTypeThanExpected() {
        byte[] scan = Topics.CARRIER_SCANS.valueSerde(registry).serializer().serialize("carrier.scans", RecordMother.carrierScan().build());

        assertThatThrownBy(() -> new AvroDeserializer<>(registry, OrderPlaced.class).deserialize("carrier.scans", scan))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void passesNullsThrough() {
        Serde<OrderPlaced> serde = Topics.ORDER_PLACED.valueSerde(registry);

        assertThat(serde.serializer().serialize("checkout.order-placed", null)).isNull();
        assertThat(serde.deserializer().deserialize("checkout.order-placed", null)).isNull();
    }

    private static byte[] avroBinary(SpecificRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema withoutField(Schema schema, String removed) {
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false,
                schema.getFields().stream()
                        .filter(field -> !field.name().equals(removed))
                        .map(field -> new Schema.Field(field, field.schema()))
                        .toList());
    }
}
