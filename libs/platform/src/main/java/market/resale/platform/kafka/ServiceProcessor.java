package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What every service's deciding processor shares: its context and application id, its business counters (counted
 * once committed, settled when its task closes: {@link CommittedCounters}) and its dead-lettering
 * ({@link DeadLetters#forward}). A processor opens its own stores and schedules its own timers in {@link #opened()}.
 */
public abstract class ServiceProcessor<I, O> implements Processor<String, I, String, O> {

    protected final String applicationId;
    protected final CommittedCounters counters;
    /** For what is not a count of committed work (timers, gauges). */
    protected final MeterRegistry meters;
    protected ProcessorContext<String, O> context;
    private ProcessorScope scope;

    protected ServiceProcessor(String applicationId, CommittedCounters counters) {
        this.applicationId = applicationId;
        this.counters = counters;
        this.meters = counters.registry();
    }

    @Override
    @SuppressWarnings("unchecked")
    public final void init(ProcessorContext<String, O> context) {
        this.context = context;
        // Every service processor forwards Outbound values (some declare Object, for the changed state they also forward).
        this.scope = new ProcessorScope((ProcessorContext<String, ? super Outbound>) (ProcessorContext<String, ?>) context, counters,
                applicationId);
        opened();
    }

    /** The context, counters and dead-lettering, for the classes that do this processor's jobs. */
    protected ProcessorScope scope() {
        return scope;
    }

    /** The stores are there: look them up, schedule the timers. */
    protected abstract void opened();

    /** The task leaves this instance (or is closed after a failure): its held counts are settled. */
    @Override
    public void close() {
        counters.release(context.taskId());
    }

    /** Sends the record as it arrived to the application's dead-letter topic in the same transaction ({@link DeadLetters#forward}). */
    protected void deadLetter(Record<String, ?> record, String reason, String detail) {
        scope.deadLetter(record, reason, detail);
    }
}
