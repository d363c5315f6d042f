package market.resale.platform.web;

import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Wakes the HTTP requests waiting for a key's outcome when the stream thread of the same instance has
 * written it to its store, so that a request looks the store up when something changed instead of
 * every few milliseconds. (The benchmark found orders-service spending a sixth of its CPU on such
 * polls: every waiting request read and decoded its order every 5 ms.) A key nobody waits for costs
 * one map lookup per signal.
 */
public final class OutcomeSignals {

    private final ConcurrentHashMap<String, Waiters> waiting = new ConcurrentHashMap<>();

    private static final class Waiters {
        final Sinks.Many<Boolean> sink = Sinks.many().multicast().directBestEffort();
        int count;
    }

    /** Called by a stream thread after it changed the stored state of {@code key}. */
    public void signal(String key) {
        var waiters = waiting.get(key);
        if (waiters != null) {
            synchronized (waiters) { // emissions into a sink must not overlap
                waiters.sink.tryEmitNext(Boolean.TRUE);
            }
        }
    }

    /** Emits each time {@code key} is signalled, from subscription on. */
    public Flux<Boolean> changes(String key) {
        return Flux.defer(() -> {
            var waiters = waiting.compute(key, (k, existing) -> {
                var w = existing == null ? new Waiters() : existing;
                w.count++;
                return w;
            });
            return waiters.sink.asFlux().doFinally(signal -> waiting.computeIfPresent(key, (k, w) -> --w.count == 0 ? null : w));
        });
    }

    /** Keys someone waits for now (for tests and diagnostics). */
    public int waitingKeys() {
        return waiting.size();
    }
}
