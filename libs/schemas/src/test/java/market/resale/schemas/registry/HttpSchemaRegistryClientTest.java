package market.resale.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApicurioRegistry apicurio;
    private final SchemaRegistryClient client;
    private final String run = UUID.randomUUID().toString();
    private final String subject = "client-test-" + run + "-value";

    HttpSchemaRegistryClientTest(ApicurioRegistry apicurio) {
        this.apicurio = apicurio;
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
    void looksUpTheIdOfARegisteredSchemaWithoutRegistering() {
        // Given
        int first = client.register(subject, v1());
        Schema v2 = SchemaBuilder.record("Probe").namespace("market.resale.test").fields()
                .requiredString("orderId").name("reason").type().stringType().stringDefault("OTHER").endRecord();
        int second = client.register(subject, v2);

        // Then: each version by its own id, and looking up registers nothing
        assertThat(client.lookup(subject, v1())).isEqualTo(first);
        assertThat(client.lookup(subject, v2)).isEqualTo(second);
    }

    @Test
    void answersTheLookupOfAnUnregisteredSchemaWith404() {
        // Given no subject yet
        assertThatThrownBy(() -> client.lookup(subject, v1()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
        // and the lookup registered nothing
        assertThatThrownBy(() -> client.lookup(subject, v1()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404));

        // When the subject holds v1 only
        client.register(subject, v1());
        Schema other = SchemaBuilder.record("Probe").namespace("market.resale.test").fields()
                .requiredString("orderId").name("note").type().stringType().stringDefault("").endRecord();

        // Then another schema is not found under it
        assertThatThrownBy(() -> client.lookup(subject, other))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void resolvesTheReferencesOfASchemaDepthFirstAndOnce() throws Exception {
        // Given: an enum, a record using it, and a top-level record using both, each in a subject of its own,
        // the top-level one naming them by reference (as Apicurio's serializer registers nested types by default)
        String ns = "market.resale.test.r" + run.replace("-", "");
        String colourSubject = ns + ".Colour";
        String itemSubject = ns + ".Item";
        String colour = "{\"type\":\"enum\",\"name\":\"Colour\",\"namespace\":\"" + ns + "\",\"symbols\":[\"RED\",\"BLUE\"]}";
        String item = "{\"type\":\"record\",\"name\":\"Item\",\"namespace\":\"" + ns + "\",\"fields\":["
                + "{\"name\":\"colour\",\"type\":\"" + ns + ".Colour\"}]}";
        String order = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"" + ns + "\",\"fields\":["
                + "{\"name\":\"item\",\"type\":\"" + ns + ".Item\"},"
                + "{\"name\":\"wrapping\",\"type\":\"" + ns + ".Colour\"}]}";
        registerRaw(colourSubject, colour, List.of());
        registerRaw(itemSubject, item, List.of(reference(ns + ".Colour", colourSubject)));
        int id = registerRaw(subject, order, List.of(reference(ns + ".Item", itemSubject), reference(ns + ".Colour", colourSubject)));

        // When
        Schema resolved = client.getById(id);

        // Then
        Schema expectedColour = new Schema.Parser().parse(colour);
        assertThat(resolved.getFullName()).isEqualTo(ns + ".Order");
        assertThat(resolved.getField("wrapping").schema()).isEqualTo(expectedColour);
        assertThat(resolved.getField("item").schema().getField("colour").schema()).isEqualTo(expectedColour);
        assertThat(new CachingSchemaRegistryClient(client, 10).getById(id)).isEqualTo(resolved);
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
        assertThat(counting.idLookups.get()).as("looked up first, not found, then registered").isEqualTo(1);
        assertThat(counting.lookups.get()).isZero();

        // and a restarted writer learns the id by a lookup (a read), without registering again
        SchemaRegistryClient restarted = new CachingSchemaRegistryClient(counting, 100);
        assertThat(restarted.register(subject, OrderPlaced.getClassSchema())).isEqualTo(id);
        assertThat(counting.registrations.get()).isEqualTo(1);
        assertThat(counting.idLookups.get()).isEqualTo(2);

        // and an id first seen by a reader is fetched once
        SchemaRegistryClient reader = new CachingSchemaRegistryClient(counting, 100);
        reader.getById(id);
        reader.getById(id);
        assertThat(counting.lookups.get()).isEqualTo(1);
    }

    @Test
    void cachingClientLooksASchemaUpOnceAndNotAgainAfterRegistering() {
        // Given
        CountingClient counting = new CountingClient(client);
        SchemaRegistryClient caching = new CachingSchemaRegistryClient(counting, 100);

        // When a miss: not cached, so a schema registered meanwhile is found on the next call
        assertThatThrownBy(() -> caching.lookup(subject, v1())).isInstanceOf(SchemaRegistryException.class);
        int id = client.register(subject, v1());

        // Then
        assertThat(caching.lookup(subject, v1())).isEqualTo(id);
        assertThat(caching.lookup(subject, v1())).isEqualTo(id);
        assertThat(caching.getById(id)).isEqualTo(v1());
        assertThat(counting.idLookups.get()).isEqualTo(2);
        assertThat(counting.lookups.get()).isZero();
        assertThat(counting.registrations.get()).isZero();

        // and an id learnt by registering (here: found by the lookup that comes first) answers a lookup
        SchemaRegistryClient writer = new CachingSchemaRegistryClient(counting, 100);
        writer.register(subject, v1());
        assertThat(writer.lookup(subject, v1())).isEqualTo(id);
        assertThat(counting.idLookups.get()).isEqualTo(3);
        assertThat(counting.registrations.get()).isZero();
    }

    private static Map<String, Object> reference(String name, String subject) {
        return Map.of("name", name, "subject", subject, "version", 1);
    }

    /** Registers through the Confluent API with references, which our client (sending whole schemas) never does. */
    private int registerRaw(String subject, String schema, List<Map<String, Object>> references) throws Exception {
        String body = JSON.writeValueAsString(Map.of("schema", schema, "schemaType", "AVRO", "references", references));
        HttpRequest request = HttpRequest.newBuilder(URI.create(apicurio.ccompatUrl() + "/subjects/"
                        + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("id").asInt();
    }

    private static Schema v1() {
        return SchemaBuilder.record("Probe").namespace("market.resale.test").fields().requiredString("orderId").endRecord();
    }

    private static final class CountingClient implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        final AtomicInteger registrations = new AtomicInteger();
        /** getById calls. */
        final AtomicInteger lookups = new AtomicInteger();
        /** lookup(subject, schema) calls. */
        final AtomicInteger idLookups = new AtomicInteger();

        CountingClient(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public int register(String subject, Schema schema) {
            registrations.incrementAndGet();
            return delegate.register(subject, schema);
        }

        @Override
        public int lookup(String subject, Schema schema) {
            idLookups.incrementAndGet();
            return delegate.lookup(subject, schema);
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
