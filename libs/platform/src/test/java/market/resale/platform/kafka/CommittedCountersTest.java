package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** A business counter counts a record's increment once, and only once the transaction that processed the record committed. */
class CommittedCountersTest {

    /** Commits as the test says: a record is committed once {@link #commit} names it. */
    private static final class Commits implements CommitWatch {
        private final Set<SourceOffset> committed = new HashSet<>();
        private final Map<SourceOffset, Sinks.One<Boolean>> waiting = new HashMap<>();

        @Override
        public Mono<Boolean> committed(SourceOffset source, Duration wait) {
            if (committed.contains(source) || wait.isZero()) {
                return Mono.just(committed.contains(source));
            }
            return waiting.computeIfAbsent(source, s -> Sinks.one()).asMono();
        }

        void commit(SourceOffset source) {
            committed.add(source);
            var sink = waiting.remove(source);
            if (sink != null) {
                sink.tryEmitValue(true);
            }
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Commits commits = new Commits();
    private final CommittedCounters counters = new CommittedCounters(registry, commits);
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

    private double count() {
        var counter = registry.find("cancellations_total").counter();
        return counter == null ? 0 : counter.count();
    }

    private SourceOffset processing(long offset) {
        context.setRecordMetadata("orders.cancel-commands", 0, offset);
        return new SourceOffset("orders.cancel-commands", 0, offset);
    }

    @Test
    void aRecordProcessedAgainAfterAnAbortCountsOnceWhenItCommits() {
        var record = processing(7);
        counters.increment(context, "cancellations_total", "outcome", "CANCELLED");
        assertThat(count()).as("not committed yet").isZero();

        // the transaction aborts, the same record is processed again and counts again
        counters.increment(context, "cancellations_total", "outcome", "CANCELLED");
        commits.commit(record);

        assertThat(count()).isEqualTo(1);
        assertThat(counters.held()).isZero();
    }

    @Test
    void aTaskThatLeavesCountsWhatItsLastCommitCoveredAndDropsTheRest() {
        var committed = processing(1);
        counters.increment(context, "cancellations_total", "outcome", "CANCELLED");
        var notCommitted = processing(2);
        counters.increment(context, "cancellations_total", "outcome", "CANCELLED");
        commits.committed.add(committed); // committed by the revocation, not seen by the watch yet

        counters.release(context.taskId());

        assertThat(count()).isEqualTo(1);
        assertThat(counters.held()).isZero();
        // The next owner processes record 2 and commits it: this instance does not count it again.
        commits.commit(notCommitted);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void aTimerHasNoRecordAndCountsAtOnce() {
        counters.increment(new MockProcessorContext<>(), "cancellations_total", 2, "outcome", "CANCELLED");

        assertThat(count()).isEqualTo(2);
    }
}
