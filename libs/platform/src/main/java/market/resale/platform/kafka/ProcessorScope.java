package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.StateStore;

/**
 * What a deciding processor's parts share while they handle one input: its context (stores, time, forwarding
 * in the input's transaction), its committed counters and its dead-lettering. A processor that does several jobs
 * hands this to each job's class ({@link ServiceProcessor#scope()}), so the jobs hold no copy of the plumbing.
 */
public final class ProcessorScope {

    private final ProcessorContext<String, ? super Outbound> context;
    private final CommittedCounters counters;
    private final String applicationId;

    ProcessorScope(ProcessorContext<String, ? super Outbound> context, CommittedCounters counters, String applicationId) {
        this.context = context;
        this.counters = counters;
        this.applicationId = applicationId;
    }

    /** The stream time of this instance's clock (the test driver's mock time in topology tests). */
    public long now() {
        return context.currentSystemTimeMs();
    }

    public <S extends StateStore> S store(String name) {
        return context.getStateStore(name);
    }

    /** Forwards {@code outbound} under {@code key}, with the timestamp and headers of the input that caused it. */
    public void emit(Record<String, ?> cause, String key, Outbound outbound) {
        context.forward(new Record<>(key, outbound, cause.timestamp(), cause.headers()));
    }

    /** Forwards {@code outbound} from a timer: no input, the given record time. */
    public void emit(String key, Outbound outbound, long recordTime) {
        context.forward(new Record<>(key, outbound, recordTime));
    }

    /** A business count, kept until the transaction that holds it commits ({@link CommittedCounters}). */
    public void count(String name, String... tags) {
        counters.increment(context, name, tags);
    }

    /** For what is not a count of committed work (timers, gauges). */
    public MeterRegistry meters() {
        return counters.registry();
    }

    /** Sends the record as it arrived to the application's dead-letter topic in the same transaction. */
    public void deadLetter(Record<String, ?> record, String reason, String detail) {
        DeadLetters.forward(context, record, applicationId, reason, detail, counters.registry());
    }

    /** The source position of the input being handled ({@link SourceOffset#of}). */
    public SourceOffset source() {
        return SourceOffset.of(context);
    }
}
