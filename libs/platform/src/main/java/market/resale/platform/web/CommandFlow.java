package market.resale.platform.web;

import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.SourceOffset;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How an HTTP request becomes a command on a topic and gets its answer, the same in every service:
 * <ol>
 *   <li>the command is stored durably (off the event loop: a producer's {@code send} can block on metadata
 *   or schema registration), or the caller hears 503 {@code not-stored} and nothing changed;</li>
 *   <li>the answer waits until the service's exactly-once transaction that processed the command has
 *   committed ({@link CommitWatch}): a decision that a crash could still take back is never reported;</li>
 *   <li>then the outcome is read from the local store; not committed within the wait, the caller hears 202
 *   "pending" and asks again where the service says.</li>
 * </ol>
 * Idempotency: a command's id is the caller's user id and its {@code Idempotency-Key} ({@link #commandId}),
 * so that a key only ever answers for the user who sent it; the service keeps each command's outcome under
 * that id, in the resource the command is about (its order, its account), and a retry gets the recorded
 * outcome once it is committed. The same key sent with another request (another endpoint or another body)
 * is refused with 422 {@code idempotency-key-reused}. docs/reliability.md has the rule and its reasons.
 */
public final class CommandFlow {

    /** Longer than the producer's own delivery timeout, so that it is the producer's verdict that counts. */
    public static final Duration STORE_TIMEOUT = Duration.ofSeconds(12);
    /** What an Idempotency-Key may be: it becomes part of ids and keys, so nothing that could be a separator. */
    public static final String KEY_PATTERN = "[A-Za-z0-9_-]{8,64}";

    private static final Pattern KEY = Pattern.compile(KEY_PATTERN);
    private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

    private final CommitWatch commits;

    public CommandFlow(CommitWatch commits) {
        this.commits = commits;
    }

    /**
     * What a service knows of its commands' outcomes.
     *
     * @param recorded           the outcome recorded under this command's id in the local store, if any
     * @param source             the input record each outcome was decided from
     * @param answersThisRequest whether a recorded outcome is the answer to this request (same endpoint, same body);
     *                           otherwise the key was used for another request
     */
    public record Outcomes<T>(Supplier<Optional<T>> recorded, Function<T, SourceOffset> source,
                              Predicate<T> answersThisRequest) {

        /** For a command whose key cannot be reused for another request (one per resource and caller). */
        public static <T> Outcomes<T> of(Supplier<Optional<T>> recorded, Function<T, SourceOffset> source) {
            return new Outcomes<>(recorded, source, outcome -> true);
        }
    }

    /** The id of a caller's command: {@code <userId>:<key>}, or a fresh one when the caller sent no key. */
    public static String commandId(String userId, String idempotencyKey) {
        if (idempotencyKey == null) {
            return userId + ":" + UUID.randomUUID();
        }
        if (!KEY.matcher(idempotencyKey).matches()) {
            throw ApiProblem.badRequest("invalid-idempotency-key", "Idempotency-Key must be 8-64 letters, digits, '-' or '_'");
        }
        return userId + ":" + idempotencyKey;
    }

    /** A command's follow-up is its sender's: another caller's command id is not found, whether it exists or not. */
    public static void requireOwn(String userId, String commandId) {
        // <userId>:<key>, the key without ':' (KEY): the owner is everything before the last ':', whatever ':' a user id holds.
        var split = commandId.lastIndexOf(':');
        if (split <= 0 || commandId.length() > 200 || !commandId.substring(0, split).equals(userId)) {
            throw ApiProblem.notFound("Command");
        }
    }

    public static ApiProblem keyReused() {
        return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
                "This Idempotency-Key was used for another request");
    }

    /**
     * The committed outcome of this command: the one recorded already (a retry), or else the command is
     * stored and its outcome read once its processing has committed. Empty when it is not committed within
     * {@code wait}: the caller answers 202. Fails with 422 {@code idempotency-key-reused} when the recorded
     * outcome answers another request.
     */
    public <T> Mono<Optional<T>> submit(Supplier<? extends CompletableFuture<RecordMetadata>> send, String retryHint,
                                        Outcomes<T> outcomes, Duration wait) {
        var previous = outcomes.recorded().get();
        if (previous.isPresent()) {
            return answering(previous.get(), outcomes, wait);
        }
        return store(send, STORE_TIMEOUT, retryHint)
                .flatMap(metadata -> commits.committed(SourceOffset.of(metadata), wait))
                .publishOn(Schedulers.parallel()) // off the thread that watches the commits
                .flatMap(committed -> {
                    if (!committed) {
                        return Mono.just(Optional.<T>empty());
                    }
                    // Committed past the command: its outcome (or that of an earlier command with the same id) is durable.
                    var found = outcomes.recorded().get();
                    return found.isEmpty() ? Mono.just(found) : answering(found.get(), outcomes, wait);
                });
    }

    /**
     * For a follow-up query of a command: its recorded outcome if it is committed (one fresh look), else empty (the
     * query answers "pending"); empty too when nothing is recorded ({@code outcome} null).
     */
    public <T> Mono<Optional<T>> committed(T outcome, Function<T, SourceOffset> source) {
        return outcome == null ? Mono.just(Optional.empty()) : committed(outcome, source, Duration.ZERO);
    }

    private <T> Mono<Optional<T>> committed(T outcome, Function<T, SourceOffset> source, Duration wait) {
        return commits.committed(source.apply(outcome), wait).map(committed -> committed ? Optional.of(outcome) : Optional.empty());
    }

    private <T> Mono<Optional<T>> answering(T outcome, Outcomes<T> outcomes, Duration wait) {
        if (!outcomes.answersThisRequest().test(outcome)) {
            return Mono.error(keyReused());
        }
        return committed(outcome, outcomes.source(), wait);
    }

    /**
     * A command that reports no decision (a carrier's scan): completes once the broker has it; fails with
     * 503 {@code not-stored} and Retry-After when it does not take it within {@code timeout}, in which case
     * nothing was changed.
     */
    public static Mono<RecordMetadata> store(Supplier<? extends CompletableFuture<RecordMetadata>> send, Duration timeout,
                                             String retryHint) {
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
                        .retryAfterSeconds(1));
    }
}
