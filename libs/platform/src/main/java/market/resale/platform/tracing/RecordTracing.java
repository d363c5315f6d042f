package market.resale.platform.tracing;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Trace context in Kafka record headers (W3C {@code traceparent}), so that one cancellation is one trace
 * from the HTTP request through every service its records reach.
 *
 * <ul>
 *   <li>{@link #publishing}: an HTTP request's command leaves in a PRODUCER span whose context goes into the
 *       record's headers.</li>
 *   <li>{@link #processing}: a stream processor handles a record in a CONSUMER span, child of the context in the
 *       record's headers, and writes its own context into those headers, which the processors forward with what
 *       they emit: the next hop is its child. A record without a valid W3C {@code traceparent} (an upstream
 *       app's) is processed without a span: no trace is started per record.</li>
 * </ul>
 *
 * {@link #NONE} (no tracer: topology tests, tools) does nothing.
 */
public final class RecordTracing {

    public static final RecordTracing NONE = new RecordTracing(null, null);

    private static final Propagator.Getter<Headers> GETTER = (headers, key) -> {
        var header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    };
    private static final Propagator.Setter<Headers> SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    private static final java.util.regex.Pattern TRACEPARENT = java.util.regex.Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final Tracer tracer;
    private final Propagator propagator;

    public RecordTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /**
     * A span for sending a record, child of the current span (the HTTP request's), its context written into
     * {@code headers}; null when there is no current span. End it with {@link #end} once the broker answers.
     */
    public Span publishing(String topic, Headers headers) {
        var current = tracer == null ? null : tracer.currentSpan();
        if (current == null) {
            return null;
        }
        var span = tracer.spanBuilder().setParent(current.context()).name("publish " + topic).kind(Span.Kind.PRODUCER)
                .tag("messaging.system", "kafka").tag("messaging.destination.name", topic).start();
        propagator.inject(span.context(), headers, SETTER);
        return span;
    }

    /** Ends a span from {@link #publishing} (null: nothing), marked failed when {@code error} is not null. */
    public static void end(Span span, Throwable error) {
        if (span != null) {
            if (error != null) {
                span.error(error);
            }
            span.end();
        }
    }

    /**
     * Runs {@code work} for a record in a CONSUMER span named {@code name}, continuing the trace in
     * {@code headers} and leaving the span's context there for what is forwarded; without trace context in
     * the headers, just runs it. Logs written meanwhile carry the trace and span ids.
     */
    public void processing(String name, String topic, Headers headers, Runnable work) {
        processing(name, topic, headers, () -> {
            work.run();
            return null;
        });
    }

    /** As {@link #processing(String, String, Headers, Runnable)}, with a result. */
    public <T> T processing(String name, String topic, Headers headers, Supplier<T> work) {
        if (tracer == null || headers == null || traceId(headers) == null) {
            return work.get();
        }
        var span = propagator.extract(headers, GETTER).name(name).kind(Span.Kind.CONSUMER)
                .tag("messaging.system", "kafka").tag("messaging.source.name", topic == null ? "" : topic).start();
        propagator.inject(span.context(), headers, SETTER);
        try (var scope = tracer.withSpan(span)) {
            return work.get();
        } catch (RuntimeException | Error e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * {@code supplier}'s processors, each record handled in a CONSUMER span named {@code name} (see
     * {@link #processing}); {@code supplier} itself when there is no tracer.
     */
    public <KIn, VIn, KOut, VOut> ProcessorSupplier<KIn, VIn, KOut, VOut> traced(String name,
                                                                                ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
        if (tracer == null) {
            return supplier;
        }
        return () -> {
            var delegate = supplier.get();
            return new Processor<>() {
                private ProcessorContext<KOut, VOut> context;

                @Override
                public void init(ProcessorContext<KOut, VOut> context) {
                    this.context = context;
                    delegate.init(context);
                }

                @Override
                public void process(Record<KIn, VIn> record) {
                    var topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
                    processing(name, topic, record.headers(), () -> delegate.process(record));
                }

                @Override
                public void close() {
                    delegate.close();
                }
            };
        };
    }

    /**
     * The trace id of a valid W3C {@code traceparent} in {@code headers} (version-traceid-parentid-flags, ids not
     * all zeros), or null: only such a record continues a trace; anything else starts none.
     */
    public static String traceId(Headers headers) {
        var traceparent = headers == null ? null : GETTER.get(headers, "traceparent");
        if (traceparent == null || !TRACEPARENT.matcher(traceparent).matches()) {
            return null;
        }
        var traceId = traceparent.substring(3, 35);
        return traceId.chars().allMatch(c -> c == '0') || traceparent.substring(36, 52).chars().allMatch(c -> c == '0') ? null : traceId;
    }
}
