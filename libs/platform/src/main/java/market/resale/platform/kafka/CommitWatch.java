package market.resale.platform.kafka;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Whether the service's own exactly-once transactions have committed the processing of an input
 * record. A stream thread writes a decision to its local store the moment it makes it, but the
 * transaction that holds the decision (its state changelog, its output events and the consumed offset)
 * commits up to a commit interval later, and an instance that dies in between loses it: the record is
 * processed again, perhaps after another one, and may be decided the other way. An answer that reports
 * a decision therefore waits until the consumer group's committed offset has passed the record the
 * decision was made from (docs/reliability.md).
 */
public interface CommitWatch {

    /**
     * Emits {@code true} once the group has committed an offset past {@code source}, or {@code false} when
     * that did not happen within {@code wait} (the caller answers "pending" then). A {@code null} source
     * (a decision stored before decisions recorded where they came from) counts as committed.
     */
    Mono<Boolean> committed(SourceOffset source, Duration wait);

    /**
     * For {@code TopologyTestDriver} tests only: the driver commits every record as soon as it is
     * processed, so whatever its stores hold is committed.
     */
    CommitWatch PROCESSED_IS_COMMITTED = (source, wait) -> Mono.just(true);
}
