package market.resale.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared, caching client per registry settings in a process: Kafka instantiates serializers by
 * class name many times (each Streams task, each producer), and they must not each keep their own cache.
 */
public final class SchemaRegistryClients {

    private static final Map<RegistrySettings, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {
    }

    public static SchemaRegistryClient forSettings(RegistrySettings settings) {
        if (settings.url().startsWith("mock://")) {
            return InMemorySchemaRegistry.scope(settings.url().substring("mock://".length()));
        }
        return CLIENTS.computeIfAbsent(settings,
                s -> new CachingSchemaRegistryClient(new HttpSchemaRegistryClient(s), s.cacheCapacity()));
    }

    public static SchemaRegistryClient forConfig(Map<String, ?> configs) {
        return forSettings(RegistrySettings.from(configs));
    }
}
