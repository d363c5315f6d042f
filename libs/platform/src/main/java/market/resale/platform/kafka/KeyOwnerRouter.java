package market.resale.platform.kafka;

import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Finds which instance owns a key of a state store. Each instance holds only the partitions
 * assigned to it; a query for a key another instance owns is forwarded there, so every instance
 * gives the same answer.
 */
public class KeyOwnerRouter {

    private final StreamsRunner runner;
    private final Supplier<String> self;

    public KeyOwnerRouter(StreamsRunner runner, Supplier<String> self) {
        this.runner = runner;
        this.self = self;
    }

    /** The {@code host:port} of the owner when it is another instance; empty when it is this one. */
    public Optional<String> remoteOwner(String store, String key) {
        var streams = running();
        var metadata = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw unavailable();
        }
        var owner = metadata.activeHost().host() + ":" + metadata.activeHost().port();
        return owner.equals(self.get()) ? Optional.empty() : Optional.of(owner);
    }

    public <V> ReadOnlyKeyValueStore<String, V> localStore(String store) {
        try {
            return running().store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
            throw unavailable();
        }
    }

    private KafkaStreams running() {
        KafkaStreams streams;
        try {
            streams = runner.streams();
        } catch (IllegalStateException notStartedYet) {
            // Requests can arrive between the web server's start and Streams' (the fault tests saw 500s here).
            throw unavailable();
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw unavailable();
        }
        return streams;
    }

    /** Partitions are moving (a rebalance or a restore): the web side answers 503 {@code rebalancing}, retry shortly. */
    public static final class Rebalancing extends RuntimeException {
        Rebalancing() {
            super("The service is taking over or restoring partitions; retry shortly.", null, false, false);
        }
    }

    private static Rebalancing unavailable() {
        return new Rebalancing();
    }
}
