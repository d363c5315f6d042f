package market.resale.platform.web;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.schemas.topics.Topic;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/**
 * What every service's controller tests share: the API on its own, with the stream's stores and the publisher
 * standing in. This instance owns every key ({@link #router}); a store is a mock the test fills ({@link #store}); the
 * publisher acknowledges at an offset ({@link #acknowledges}); a client calls the controllers as an authenticated caller,
 * with the platform's problem handling ({@link #client}).
 */
public final class ControllerHarness {

    public final KeyOwnerRouter router = mock(KeyOwnerRouter.class);
    public final EventPublisher publisher = mock(EventPublisher.class);

    public ControllerHarness() {
        when(router.remoteOwner(anyString(), anyString())).thenReturn(Optional.empty());
    }

    /** A local store of this instance, to be filled by the test. */
    @SuppressWarnings("unchecked")
    public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        ReadOnlyKeyValueStore<String, V> store = mock(ReadOnlyKeyValueStore.class);
        when(router.<V>localStore(name)).thenReturn(store);
        return store;
    }

    /**
     * {@code store}'s prefix scans answer from {@code entries} (key → value), in key order, as a store does: for a
     * controller that lists a party's entries by prefix. Each call replaces what the previous one set.
     */
    public static <V> void prefixScans(ReadOnlyKeyValueStore<String, V> store, java.util.Map<String, V> entries) {
        var sorted = new java.util.TreeMap<>(entries);
        when(store.prefixScan(anyString(), any())).thenAnswer(call -> {
            String prefix = call.getArgument(0);
            var it = sorted.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .map(e -> org.apache.kafka.streams.KeyValue.pair(e.getKey(), e.getValue())).iterator();
            return new org.apache.kafka.streams.state.KeyValueIterator<String, V>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public org.apache.kafka.streams.KeyValue<String, V> next() {
                    return it.next();
                }

                @Override
                public void close() {
                }

                @Override
                public String peekNextKey() {
                    return sorted.ceilingKey(prefix);
                }
            };
        });
    }

    /** Query routing over {@link #router}; no request is forwarded, since this instance owns every key. */
    public OwnerRouting routing() {
        return new OwnerRouting(router, mock(Forwarder.class));
    }

    /** The publisher acknowledges every record of {@code topic} under {@code key} at {@code offset} of partition 0. */
    public <V extends org.apache.avro.specific.SpecificRecord> void acknowledges(Topic<V> topic, String key, long offset) {
        when(publisher.publish(eq(topic), eq(key), any())).thenReturn(CompletableFuture.completedFuture(
                new RecordMetadata(new TopicPartition(topic.name(), 0), offset, 0, 0, 0, 0)));
    }

    /** A client of {@code controllers} for {@code userId} holding {@code role}. */
    public static WebTestClient client(String userId, String role, Object... controllers) {
        return client(new TestingAuthenticationToken(userId, null, "ROLE_" + role), controllers);
    }

    /** A client of {@code controllers} for the given caller (a service's own token shape, e.g. a carrier's claim). */
    public static WebTestClient client(Authentication caller, Object... controllers) {
        WebFilter authenticated = (exchange, chain) -> chain.filter(exchange.mutate().principal(Mono.just(caller)).build());
        return WebTestClient.bindToController(controllers).controllerAdvice(new ProblemHandling()).webFilter(authenticated).build();
    }
}
