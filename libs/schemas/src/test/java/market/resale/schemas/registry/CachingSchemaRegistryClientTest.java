package market.resale.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

/**
 * What a serializer's registration does when the registry struggles: it is called from stream threads,
 * where a thrown exception costs a replaced thread and reprocessing, so transient failures are asked
 * again and a lost race with another writer ends in that writer's id; real refusals are not retried.
 */
class CachingSchemaRegistryClientTest {

    private static final String SUBJECT = "orders.order-cancelled-value";

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final ScriptedClient scripted = new ScriptedClient(registry);
    private final CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(scripted, 100);

    @Test
    void anUnreachableOrOverloadedRegistryIsAskedAgain() {
        scripted.failNext(0, 503);

        int id = client.register(SUBJECT, v1());

        assertThat(id).isEqualTo(registry.lookup(SUBJECT, v1()));
        assertThat(scripted.calls.get()).as("lookup failed (unreachable), lookup 503, lookup 404, register").isEqualTo(4);
    }

    @Test
    void aRegistrationThatLosesARaceEndsInTheWinnersId() {
        // Another writer registers the same schema between our lookup (404) and our registration, which the
        // registry answers 409 while it creates the subject.
        scripted.beforeRegister = () -> registry.register(SUBJECT, v1());
        scripted.conflictOnRegister = true;

        int id = client.register(SUBJECT, v1());

        assertThat(id).isEqualTo(registry.lookup(SUBJECT, v1()));
    }

    @Test
    void anIncompatibleSchemaIsRefusedAtOnceAndNotRetried() {
        registry.register(SUBJECT, v1());
        var incompatible = SchemaBuilder.record("Probe").namespace("market.resale.test").fields()
                .requiredString("orderId").requiredLong("amountCents").endRecord();
        scripted.calls.set(0);

        assertThatThrownBy(() -> client.register(SUBJECT, incompatible))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(scripted.calls.get()).as("lookup 404, register 409, lookup 404: once").isEqualTo(3);
    }

    @Test
    void aRegistryThatStaysDownFailsAfterAFewAttempts() {
        scripted.failNext(0, 0, 0, 0, 0);

        assertThatThrownBy(() -> client.register(SUBJECT, v1()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isZero());
        assertThat(scripted.calls.get()).isEqualTo(3);
    }

    @Test
    void aClientErrorIsNotRetried() {
        scripted.failNext(422);

        assertThatThrownBy(() -> client.register(SUBJECT, v1())).isInstanceOf(SchemaRegistryException.class);
        assertThat(scripted.calls.get()).isEqualTo(1);
    }

    private static Schema v1() {
        return SchemaBuilder.record("Probe").namespace("market.resale.test").fields().requiredString("orderId").endRecord();
    }

    /** Delegates to a registry, after answering the next calls with the given statuses. */
    private static final class ScriptedClient implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        private final Deque<Integer> failures = new ArrayDeque<>();
        final AtomicInteger calls = new AtomicInteger();
        Runnable beforeRegister = () -> { };
        boolean conflictOnRegister;

        ScriptedClient(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        void failNext(int... statuses) {
            for (int status : statuses) {
                failures.add(status);
            }
        }

        private void maybeFail() {
            calls.incrementAndGet();
            Integer status = failures.poll();
            if (status != null) {
                throw new SchemaRegistryException("scripted " + status, status, status, null);
            }
        }

        @Override
        public int register(String subject, Schema schema) {
            maybeFail();
            beforeRegister.run();
            if (conflictOnRegister) {
                throw new SchemaRegistryException("subject is being created", 409, 40901, null);
            }
            return delegate.register(subject, schema);
        }

        @Override
        public int lookup(String subject, Schema schema) {
            maybeFail();
            return delegate.lookup(subject, schema);
        }

        @Override
        public Schema getById(int id) {
            maybeFail();
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
