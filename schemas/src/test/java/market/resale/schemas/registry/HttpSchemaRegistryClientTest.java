package market.resale.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.SharedInfrastructure;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Our registry client against the real Apicurio Registry's Confluent-compatible API (BACKWARD, as deployed). */
@ExtendWith(SharedInfrastructure.class)
class HttpSchemaRegistryClientTest {

    private final SchemaRegistryClient client;
    private final String subject = "client-test-" + UUID.randomUUID() + "-value";

    HttpSchemaRegistryClientTest(ApicurioRegistry apicurio) {
        this.client = new HttpSchemaRegistryClient(RegistrySettings.of(apicurio.ccompatUrl()));
    }

    @Test
    void registersOnceAndFindsTheSchemaByItsId() {
        int id = client.register(subject, OrderPlaced.getClassSchema());

        assertThat(client.register(subject, OrderPlaced.getClassSchema())).isEqualTo(id);
        assertThat(client.getById(id)).isEqualTo(OrderPlaced.getClassSchema());
    }

    @Test
    void refusesAnIncompatibleSchemaWith409() {
        // Given
        client.register(subject, v1());

        // When a required field is added without a default, data written with v1 cannot be read
        Schema incompatible = SchemaBuilder.record("Probe").namespace("market.resale.test").fields()
                .requiredString("orderId").requiredString("reason").endRecord();

        // Then
        assertThat(client.isCompatible(subject, incompatible)).isFalse();
        assertThatThrownBy(() -> client.register(subject, incompatible))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void acceptsAFieldAddedWithADefault() {
        int v1 = client.register(subject, v1());
        Schema v2 = SchemaBuilder.record("Probe").namespace("market.resale.test").fields()
                .requiredString("orderId").name("reason").type().stringType().stringDefault("OTHER").endRecord();

        assertThat(client.isCompatible(subject, v2)).isTrue();
        assertThat(client.register(subject, v2)).isNotEqualTo(v1);
    }

    @Test
    void setsTheCompatibilityOfOneSubject() {
        client.register(subject, v1());
        Schema incompatible = SchemaBuilder.record("Probe").namespace("market.resale.test").fields()
                .requiredLong("orderId").endRecord();

        client.setCompatibility(subject, "NONE");

        assertThat(client.register(subject, incompatible)).isPositive();
    }

    @Test
    void answersAnUnknownIdWith404() {
        assertThatThrownBy(() -> client.getById(Integer.MAX_VALUE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void cachingClientAsksTheRegistryOncePerSchemaAndPerId() {
        // Given
        CountingClient counting = new CountingClient(client);
        SchemaRegistryClient caching = new CachingSchemaRegistryClient(counting, 100);

        // When
        int id = caching.register(subject, OrderPlaced.getClassSchema());
        caching.register(subject, OrderPlaced.getClassSchema());
        Schema byId = caching.getById(id);

        // Then: the id learnt by registering also answers getById
        assertThat(byId).isEqualTo(OrderPlaced.getClassSchema());
        assertThat(counting.registrations.get()).isEqualTo(1);
        assertThat(counting.lookups.get()).isZero();

        // and an id first seen by a reader is fetched once
        SchemaRegistryClient reader = new CachingSchemaRegistryClient(counting, 100);
        reader.getById(id);
        reader.getById(id);
        assertThat(counting.lookups.get()).isEqualTo(1);
    }

    private static Schema v1() {
        return SchemaBuilder.record("Probe").namespace("market.resale.test").fields().requiredString("orderId").endRecord();
    }

    private static final class CountingClient implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        final AtomicInteger registrations = new AtomicInteger();
        final AtomicInteger lookups = new AtomicInteger();

        CountingClient(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            registrations.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public Schema getById(int id) {
            lookups.incrementAndGet();
            return delegate.getById(id);
        }

        @Override
        public boolean isCompatible(String subject, Schema schema) {
            return delegate.isCompatible(subject, schema);
        }

        @Override
        public void setCompatibility(String subject, String level) {
            delegate.setCompatibility(subject, level);
        }
    }
}
