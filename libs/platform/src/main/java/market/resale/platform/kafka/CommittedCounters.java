package market.resale.platform.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * The business counters of a stream processor ({@code cancellations_total}, {@code credit_issued_total} …),
 * counted once, from what committed. An increment is held until the exactly-once transaction that processed its
 * record has committed ({@link CommitWatch}), under the record and the meter: a transaction that aborts and is
 * processed again puts the same increment again, and it is counted once, when the retry commits. When a task
 * leaves the instance (its processor closes: revoked, migrated, or closed after a failure), what its last commit
 * covered is counted and the rest dropped, for whoever processes those records next counts them.
 *
 * <p>A punctuation has no input record: what it counts is counted at once. A {@code kill -9} loses the increments
 * of the last commit or so that were not confirmed yet, with the process's counters (Prometheus sees a reset).
 */
public final class CommittedCounters {

    /** How long an increment waits for its commit before it is dropped (its task is stuck, or gone unnoticed). */
    private static final Duration HOLD = Duration.ofMinutes(10);
    private static final Duration RELEASE_ASK = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final CommitWatch commits;
    private final Map<Key, Pending> pending = new ConcurrentHashMap<>();

    private record Key(SourceOffset source, Meter.Id meter) {
    }

    private record Pending(TaskId task, Counter counter, double amount) {
    }

    public CommittedCounters(MeterRegistry registry, CommitWatch commits) {
        this.registry = registry;
        this.commits = commits;
    }

    /** For {@code TopologyTestDriver} tests, whose every record is committed as soon as it is processed. */
    public static CommittedCounters immediate(MeterRegistry registry) {
        return new CommittedCounters(registry, CommitWatch.PROCESSED_IS_COMMITTED);
    }

    /** The registry, for what is not a count of committed work (timers, gauges). */
    public MeterRegistry registry() {
        return registry;
    }

    public void increment(ProcessingContext context, String name, String... tags) {
        increment(context, name, 1, tags);
    }

    /** Adds {@code amount} to the counter {@code name}{@code tags} once the record {@code context} is processing has committed. */
    public void increment(ProcessingContext context, String name, double amount, String... tags) {
        var counter = registry.counter(name, tags);
        var source = SourceOffset.of(context);
        if (source == null) {
            counter.increment(amount);
            return;
        }
        var key = new Key(source, counter.getId());
        if (pending.putIfAbsent(key, new Pending(context.taskId(), counter, amount)) == null) {
            commits.committed(source, HOLD).subscribe(committed -> settle(key, committed));
        }
    }

    /**
     * The task's processor closed: counts the increments its last commit covered (one fresh look at the broker:
     * a revoked task commits before it closes) and drops the others.
     */
    public void release(TaskId task) {
        var keys = pending.entrySet().stream().filter(e -> e.getValue().task().equals(task)).map(Map.Entry::getKey).toList();
        try {
            // All at once (one look, one ask at most), and bounded: this runs on the stream thread closing the task.
            reactor.core.publisher.Flux.fromIterable(keys)
                    .flatMap(key -> commits.committed(key.source(), Duration.ZERO).doOnNext(committed -> settle(key, committed)))
                    .blockLast(RELEASE_ASK);
        } catch (RuntimeException e) {
            // Not confirmed in time: not counted here (whoever processes the records again counts them).
        }
        keys.forEach(key -> settle(key, false));
    }

    /** Increments held now (for tests and diagnostics). */
    public int held() {
        return pending.size();
    }

    private void settle(Key key, boolean committed) {
        var held = pending.remove(key);
        if (held != null && committed) {
            held.counter().increment(held.amount());
        }
    }
}
