package market.resale.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * An in-process registry for unit tests only ({@code schema.registry.url=mock://scope}), the same idea as
 * Confluent's {@code mock://}. Integration tests and the local stack use the real Apicurio Registry.
 * Compatibility is BACKWARD for every subject, as on the real one.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<Schema, Integer> idBySchema = new HashMap<>();
    private final Map<String, List<Schema>> subjects = new HashMap<>();

    public static InMemorySchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Schema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(schema)) {
            if (!isCompatible(subject, schema)) {
                throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema for subject "
                        + subject, 409, 409, null);
            }
            versions.add(schema);
        }
        return idBySchema.computeIfAbsent(schema, s -> {
            int id = byId.size() + 1;
            byId.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        List<Schema> versions = subjects.get(subject);
        if (versions == null) {
            throw new SchemaRegistryException("Subject '" + subject + "' not found.", 404, 40401, null);
        }
        if (!versions.contains(schema)) {
            throw new SchemaRegistryException("Schema not found under subject '" + subject + "'", 404, 40403, null);
        }
        return idBySchema.get(schema);
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404, 40403, null);
        }
        return schema;
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        List<Schema> versions = subjects.getOrDefault(subject, List.of());
        return versions.isEmpty() || SchemaCompatibility.checkReaderWriterCompatibility(schema, versions.getLast())
                .getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    @Override
    public void setCompatibility(String subject, String level) {
        // BACKWARD always; nothing to store
    }
}
