package market.resale.schemas.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Caches both directions: (subject, schema) to id, so a serializer asks the registry once per schema
 * (whether it registers or only looks the schema up),
 * and id to schema, so a deserializer asks once per writer schema. Schemas under an id never change,
 * so entries never expire; the caches are bounded only to survive a misbehaving producer.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

    private static final int ATTEMPTS = 3;
    private static final java.time.Duration BACKOFF = java.time.Duration.ofMillis(200);

    private final SchemaRegistryClient delegate;
    private final Map<SubjectSchema, Integer> ids;
    private final Map<Integer, Schema> schemas;

    public CachingSchemaRegistryClient(SchemaRegistryClient delegate, int capacity) {
        this.delegate = delegate;
        this.ids = bounded(capacity);
        this.schemas = bounded(capacity);
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = ids.get(key);
        if (id == null) {
            id = lookupOrRegister(subject, schema);
            ids.put(key, id);
            schemas.putIfAbsent(id, schema);
        }
        return id;
    }

    /**
     * Look first, register only what is missing: a restarted writer re-learns its ids by reads, which a
     * registry answers from its store, instead of writes, which Apicurio with Kafka storage sends through
     * its journal topic and which, on a busy box, took longer than the request timeout (fault-tests).
     * A serializer calls this from a stream thread, where a failure replaces the thread and reprocesses
     * its records: so a registry that is briefly unreachable or overloaded (no answer, 408, 429, 5xx) is
     * asked again a few times, and a registration that loses a race with another writer of the same
     * schema (409 while the subject is being created) ends in the lookup that finds the winner's id.
     */
    private int lookupOrRegister(String subject, Schema schema) {
        for (int attempt = 1; ; attempt++) {
            try {
                try {
                    return delegate.lookup(subject, schema);
                } catch (SchemaRegistryException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
                try {
                    return delegate.register(subject, schema);
                } catch (SchemaRegistryException e) {
                    if (e.status() != 409) {
                        throw e;
                    }
                    try {
                        return delegate.lookup(subject, schema);
                    } catch (SchemaRegistryException notThere) {
                        throw e; // not a lost race: the registry refuses the schema (incompatible)
                    }
                }
            } catch (SchemaRegistryException e) {
                if (!transientFailure(e) || attempt >= ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static boolean transientFailure(SchemaRegistryException e) {
        int status = e.status();
        if (Thread.currentThread().isInterrupted()) {
            return false; // shutting down: give up at once
        }
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(BACKOFF.multipliedBy(attempt)); // backoff between attempts at a struggling registry
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while waiting to ask the schema registry again", 0, 0, interrupted);
        }
    }

    @Override
    public int lookup(String subject, Schema schema) {
        // Registered or looked up, (subject, schema) has the same id; a miss (404) is not cached, so a
        // schema registered later (by a deployment pipeline) is found on the next call.
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = ids.get(key);
        if (id == null) {
            id = delegate.lookup(subject, schema);
            ids.put(key, id);
            schemas.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            schema = delegate.getById(id);
            schemas.put(id, schema);
        }
        return schema;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public void setCompatibility(String subject, String level) {
        delegate.setCompatibility(subject, level);
    }

    private static <K, V> Map<K, V> bounded(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
