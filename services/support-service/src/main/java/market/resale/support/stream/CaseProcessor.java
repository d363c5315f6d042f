package market.resale.support.stream;

import java.time.Duration;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.support.config.SupportSettings;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Owns every case of the orders in its partitions. Each input is applied in one transaction with what it emits, by
 * the class whose job it is: {@link CaseSignals} (what other services tell support), {@link CaseCommands} (what
 * parties and agents ask), {@link QuotableMessages} (the conversation entries a case may quote), all writing through
 * {@link CaseBook} (the cases, and what a change means downstream).
 */
class CaseProcessor extends ServiceProcessor<CaseInput, Outbound> {

    private final SupportSettings settings;
    private QuotableMessages messages;
    private CaseSignals signals;
    private CaseCommands commands;

    CaseProcessor(SupportSettings settings, String applicationId, CommittedCounters counters) {
        super(applicationId, counters);
        this.settings = settings;
    }

    @Override
    protected void opened() {
        var book = new CaseBook(scope(), settings);
        messages = new QuotableMessages(scope(), settings.quotableMessages());
        signals = new CaseSignals(scope(), book, settings.limits());
        commands = new CaseCommands(scope(), book, messages, settings);
        context.schedule(Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, commands::forgetOldOutcomes);
    }

    @Override
    public void process(Record<String, CaseInput> record) {
        switch (record.value()) {
            case CaseInput.Placed placed -> signals.placed(record, placed.event());
            case CaseInput.NonResponsive nonResponsive -> signals.nonResponsive(record, nonResponsive.event());
            case CaseInput.Conflict conflict -> signals.conflict(record, conflict.event());
            case CaseInput.Cancelled cancelled -> signals.cancelled(record, cancelled.event());
            case CaseInput.CancelRefused refused -> signals.cancelRefused(record, refused.event());
            case CaseInput.Command command -> commands.command(record, command.command());
            case CaseInput.Message message -> messages.keep(record, message.message());
        }
    }
}
