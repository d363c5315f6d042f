package market.resale.messaging.stream;

import java.time.Clock;
import java.time.Duration;
import market.resale.messaging.config.MessagingSettings;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.ServiceProcessor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Owns every order's conversation. Each input is applied in one transaction with what it emits, by the class whose
 * job it is: {@link ConversationSignals} (what the order's life tells the conversation), {@link ConversationCommands}
 * (what buyers and sellers write, including requests to the seller and their answers), {@link SellerChecks} (the
 * non-responsive-seller timer), all writing through {@link ConversationBook} (the conversations, their entries, the
 * check index and the notices).
 */
class ConversationProcessor extends ServiceProcessor<ConversationInput, Outbound> {

    /** How often expired answers are looked for; each look reads only expired index entries. */
    static final Duration OUTCOME_PURGE_INTERVAL = Duration.ofMinutes(1);

    private final MessagingSettings settings;
    private final Clock clock;
    private ConversationSignals signals;
    private ConversationCommands commands;

    ConversationProcessor(MessagingSettings settings, String applicationId, CommittedCounters counters, Clock clock) {
        super(applicationId, counters);
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected void opened() {
        var book = new ConversationBook(scope(), settings);
        signals = new ConversationSignals(scope(), book, clock);
        commands = new ConversationCommands(scope(), book, settings, clock);
        var checks = new SellerChecks(scope(), book, settings);
        context.schedule(settings.nonResponsive().checkInterval(), PunctuationType.WALL_CLOCK_TIME,
                timestamp -> checks.check(clock.millis(), timestamp));
        context.schedule(OUTCOME_PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, timestamp -> commands.forgetOldOutcomes(clock.millis()));
    }

    @Override
    public void process(Record<String, ConversationInput> record) {
        switch (record.value()) {
            case ConversationInput.Placed placed -> signals.placed(record, placed.event());
            case ConversationInput.WindowClosed closed -> signals.windowClosed(record, closed.event());
            case ConversationInput.Shipped shipped -> signals.shipped(record, shipped.event());
            case ConversationInput.Cancelled cancelled -> signals.cancelled(record, cancelled.event());
            case ConversationInput.Rejected rejected -> signals.rejected(record, rejected.event());
            case ConversationInput.Command command -> commands.command(record, command.command());
        }
    }
}
