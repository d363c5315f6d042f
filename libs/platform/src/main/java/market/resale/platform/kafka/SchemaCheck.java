package market.resale.platform.kafka;

import java.util.ArrayList;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryException;
import market.resale.schemas.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where schema registration is a deploy step ({@code app.kafka.auto-register-schemas=false}: docker-compose and k8s,
 * after {@code ops-tools register-schemas}), a service starts only if every schema it writes is registered under its
 * subject exactly: a service built with a schema the deploy step did not register (or the registry refused as
 * incompatible) fails to start, naming each subject, instead of writing records nobody registered. A registry that
 * cannot be reached fails the start too (the platform restarts it).
 */
public final class SchemaCheck {

    private static final Logger log = LoggerFactory.getLogger(SchemaCheck.class);

    private SchemaCheck() {
    }

    /** Throws, naming every subject whose schema is missing, unless all of {@link Topics#written()} are registered. */
    public static void requireRegistered(SchemaRegistryClient registry) {
        var missing = new ArrayList<String>();
        for (var topic : Topics.written()) {
            try {
                registry.lookup(topic.valueSubject(), topic.valueSchema());
            } catch (SchemaRegistryException e) {
                if (e.status() != 404) {
                    throw new IllegalStateException("Could not check the registered schemas (" + e.getMessage() + ")", e);
                }
                missing.add(topic.valueSubject() + " (" + topic.valueType().getSimpleName() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Schemas this service writes are not registered, and auto-registration is off "
                    + "(app.kafka.auto-register-schemas=false): " + String.join(", ", missing)
                    + ". Register them with the deploy step (ops-tools register-schemas), or see why the registry refused them.");
        }
        log.info("Every schema this service writes is registered ({} subjects)", Topics.written().size());
    }

    /**
     * Where the service registers its own schemas (the local stack, the tests): registers them now, in the background,
     * so that the ids are in the client's cache before the first write; a stream transaction then never waits on the
     * registry for them (a slow registry would otherwise fail the write and replace the thread). Best effort: what
     * fails here is registered on first use, as before. The contract's subjects are left to their upstream apps (the
     * carriers' scans posted over HTTP are registered on first use, after whatever the carriers registered).
     */
    public static void registerInBackground(SchemaRegistryClient registry) {
        var own = Topics.written().stream().filter(t -> !Topics.contract().contains(t)).toList();
        Thread.ofVirtual().name("schema-registration").start(() -> {
            var registered = 0;
            for (var topic : own) {
                try {
                    registry.register(topic.valueSubject(), topic.valueSchema());
                    registered++;
                } catch (RuntimeException e) {
                    log.warn("Could not register the schema of {} yet ({}); it is registered on first use", topic.valueSubject(),
                            e.getMessage());
                }
            }
            log.info("Registered {} of the {} schemas this service writes to its own subjects", registered, own.size());
        });
    }
}
