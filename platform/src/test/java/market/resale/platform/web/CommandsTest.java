package market.resale.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Awaiting a command's outcome with signals: looked up at once, then only when the key is signalled. */
class CommandsTest {

    private final OutcomeSignals signals = new OutcomeSignals();
    private final AtomicReference<String> stored = new AtomicReference<>();
    private final AtomicInteger lookups = new AtomicInteger();

    private Optional<String> lookup() {
        lookups.incrementAndGet();
        return Optional.ofNullable(stored.get());
    }

    @Test
    void anOutcomeAlreadyStoredIsAnsweredByTheFirstLookup() {
        stored.set("CANCELLED");

        var outcome = Commands.awaitOutcome(this::lookup, Duration.ofSeconds(30), signals, "o-1", Duration.ofHours(1))
                .block(Duration.ofSeconds(30));

        assertThat(outcome).contains("CANCELLED");
        assertThat(lookups).hasValue(1);
        assertThat(signals.waitingKeys()).isZero();
    }

    @Test
    void anOutcomeStoredLaterIsAnsweredWhenItsKeyIsSignalledNotByPolling() {
        // The safety poll is an hour away: only the signal can answer within the test's patience.
        var pending = Commands.awaitOutcome(this::lookup, Duration.ofSeconds(30), signals, "o-1", Duration.ofHours(1)).toFuture();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lookups.get() == 1 && signals.waitingKeys() == 1);

        signals.signal("o-2"); // another order: not looked up
        stored.set("CANCELLED");
        signals.signal("o-1");

        assertThat(pending.join()).contains("CANCELLED");
        assertThat(lookups).as("the first lookup and the one after the signal").hasValue(2);
        assertThat(signals.waitingKeys()).as("nobody waits any more").isZero();
    }

    @Test
    void withoutASignalTheSafetyPollFindsTheOutcome() {
        var pending = Commands.awaitOutcome(this::lookup, Duration.ofSeconds(30), signals, "o-1", Duration.ofMillis(20)).toFuture();
        stored.set("REFUSED");

        assertThat(pending.join()).contains("REFUSED");
    }

    @Test
    void noOutcomeWithinTheWaitIsEmpty() {
        var outcome = Commands.awaitOutcome(this::lookup, Duration.ofMillis(50), signals, "o-1", Duration.ofHours(1))
                .block(Duration.ofSeconds(30));

        assertThat(outcome).isEmpty();
        assertThat(signals.waitingKeys()).isZero();
    }
}
