package market.resale.platform.web;

import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How an HTTP request becomes a command on a topic and gets its answer: the command is stored
 * durably first (off the event loop, because a producer's {@code send} can block on metadata or
 * schema registration), then its outcome is awaited where the stream records it.
 */
public final class Commands {

    /** Longer than the producer's own delivery timeout, so that it is the producer's verdict that counts. */
    public static final Duration STORE_TIMEOUT = Duration.ofSeconds(12);

    private static final Duration POLL_INTERVAL = Duration.ofMillis(5);
    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();
    /** With signals, a slow poll only covers an outcome written where no signal is sent (another instance after a rebalance). */
    static final Duration SIGNALLED_POLL_INTERVAL = Duration.ofMillis(250);

    private Commands() {
    }

    /**
     * Completes once the broker has the command; fails with 503 {@code not-stored} and Retry-After
     * when it does not take it within {@code timeout}, in which case nothing was changed.
     */
    public static Mono<Void> store(Supplier<? extends CompletableFuture<?>> send, Duration timeout, String retryHint) {
        // The send runs on another thread: the request's observation (its trace) is restored there from the
        // Reactor context, so that the record carries the request's trace.
        return Mono.deferContextual(context -> Mono.fromFuture(() -> {
                    try (var scope = SNAPSHOTS.setThreadLocalsFrom(context)) {
                        return send.get();
                    }
                }))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof ApiProblem), e -> new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE,
                        "not-stored", "The request could not be stored; nothing was changed. " + retryHint)
                        .retryAfterSeconds(1))
                .then();
    }

    /**
     * The outcome of a stored command as soon as the local state store has it, or empty after
     * {@code wait} (the caller then answers 202 with where to ask later).
     */
    public static <T> Mono<Optional<T>> awaitOutcome(Supplier<Optional<T>> lookup, Duration wait) {
        return Flux.interval(Duration.ZERO, POLL_INTERVAL)
                .map(tick -> lookup.get())
                .filter(Optional::isPresent)
                .next()
                .timeout(wait, Mono.just(Optional.empty()));
    }

    /**
     * As {@link #awaitOutcome(Supplier, Duration)}, looking the outcome up once at once, then whenever
     * {@code key} is signalled by the stream thread that writes it, and every 250 ms in case no signal comes.
     */
    public static <T> Mono<Optional<T>> awaitOutcome(Supplier<Optional<T>> lookup, Duration wait, OutcomeSignals signals,
                                                     String key) {
        return awaitOutcome(lookup, wait, signals, key, SIGNALLED_POLL_INTERVAL);
    }

    static <T> Mono<Optional<T>> awaitOutcome(Supplier<Optional<T>> lookup, Duration wait, OutcomeSignals signals, String key,
                                              Duration safetyPoll) {
        // Subscribed to the signals first, then the first lookup: a change in between is not missed.
        return Flux.merge(signals.changes(key), Flux.just(Boolean.TRUE), Flux.interval(safetyPoll, safetyPoll))
                .publishOn(Schedulers.parallel()) // the lookups run off the stream thread that signals
                .map(tick -> lookup.get())
                .filter(Optional::isPresent)
                .next()
                .timeout(wait, Mono.just(Optional.empty()));
    }
}
