package market.resale.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * One shared, caching client per registry settings in a process: Kafka instantiates serializers by
 * class name many times (each Streams task, each producer), and they must not each keep their own cache.
 */
public final class SchemaRegistryClients {

    private static final Map<RegistrySettings, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient forSettings(RegistrySettings settings) {
        var client = settings.url().startsWith("mock://")
                ? InMemorySchemaRegistry.scope(settings.url().substring("mock://".length()))
                : CLIENTS.computeIfAbsent(settings,
                        s -> new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(s), s.cacheCapacity()));
        return settings.autoRegister() ? client : lookupOnly(client);
    }

    /** The client as a writer with {@code auto.register.schemas=false} sees it: it never registers, only looks up. */
    public static SchemaRegistryClient lookupOnly(SchemaRegistryClient client) {
        return client instanceof LookupOnly ? client : new LookupOnly(client);
    }

    /**
     * A client whose {@code register} only looks the schema up: with {@code auto.register.schemas=false} a writer
     * never changes the registry, and a schema that was not registered by the deploy step fails with a message
     * saying so.
     */
    record LookupOnly(SchemaRegistryClient delegate) implements SchemaRegistryClient {

        @Override
        public int register(String subject, Schema schema) {
            try {
                return delegate.lookup(subject, schema);
            } catch (SchemaRegistryException e) {
                if (e.status() == 404) {
                    throw new SchemaRegistryException("The schema " + schema.getFullName() + " is not registered under subject "
                            + subject + " and " + RegistrySettings.AUTO_REGISTER + " is false: register it first "
                            + "(ops-tools register-schemas, a deploy step) (" + e.getMessage() + ")", 404, e.errorCode(), e);
                }
                throw e;
            }
        }

        @Override
        public int lookup(String subject, Schema schema) {
            return delegate.lookup(subject, schema);
        }

        @Override
        public Schema getById(int id) {
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

    public static SchemaRegistryClient forConfig(Map<String, ?> configs) {
        return forSettings(RegistrySettings.from(configs));
    }
}
