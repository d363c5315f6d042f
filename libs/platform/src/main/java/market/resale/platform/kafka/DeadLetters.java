package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import market.resale.schemas.topics.DeadLetterHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letter records: the record exactly as it arrived (its key and value bytes and its headers, {@link Arrival}) with
 * the reason and where it was read in headers, so that an operator can see why and re-drive it after a fix. Nothing is
 * serialized on the way: a dead letter never depends on the schema registry, nor on a schema of ours being accepted
 * under a subject the contract's owner registers.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    public static final String REASON = DeadLetterHeaders.REASON;
    public static final String DETAIL = DeadLetterHeaders.DETAIL;
    public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;
    public static final String APPLICATION = DeadLetterHeaders.APPLICATION;

    /** The reasons any service gives (the contract's list: {@link DeadLetterHeaders#REASONS}). */
    public static final String NOT_DESERIALIZABLE = DeadLetterHeaders.NOT_DESERIALIZABLE;
    public static final String INVALID = DeadLetterHeaders.INVALID;
    public static final String CONFLICTING_DUPLICATE = DeadLetterHeaders.CONFLICTING_DUPLICATE;

    private DeadLetters() {
    }

    public static void describe(Headers headers, String reason, String detail) {
        headers.remove(REASON).remove(DETAIL);
        headers.add(REASON, bytes(reason));
        headers.add(DETAIL, bytes(detail == null ? "" : truncate(detail)));
    }

    public static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String truncate(String detail) {
        return detail.length() > 1000 ? detail.substring(0, 1000) : detail;
    }

    /** The arrival's own headers, then the reason, where it was read and the application that refused it. */
    static Headers headers(Arrival arrival, String applicationId, String reason, String detail) {
        var headers = new RecordHeaders(arrival.headers().toArray());
        describe(headers, reason, detail);
        headers.remove(SOURCE_TOPIC).remove(SOURCE_PARTITION).remove(SOURCE_OFFSET).remove(APPLICATION);
        headers.add(SOURCE_TOPIC, bytes(arrival.sourceTopic()));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(arrival.partition())));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(arrival.offset())));
        headers.add(APPLICATION, bytes(applicationId));
        return headers;
    }

    /**
     * What every processor does with a record it cannot apply: forwards the record as it arrived to the application's
     * dead-letter topic, in the same transaction, with the reason, where it was read and the application in its
     * headers, and counts it under the topic its value belongs to. Never throws: a record that cannot be dead-lettered
     * is logged and counted ({@code dead_letter_failures_total}), and the stream goes on.
     */
    public static void forward(ProcessorContext<String, ? super Outbound> context, Record<String, ?> record, String applicationId,
                               String reason, String detail, MeterRegistry meters) {
        var arrival = Arrival.of(context.recordMetadata());
        if (arrival.isEmpty()) {
            // Only a record that did not come through Sources (a programming error, shown by the topology tests).
            var topic = context.recordMetadata().map(m -> m.topic()).orElse("punctuation");
            failures(meters).increment();
            log.atError().addKeyValue("topic", topic).addKeyValue("recordKey", record.key()).addKeyValue("reason", reason)
                    .log("A record of {} with key {} could not be dead-lettered ({}: {}): its bytes are not at hand", topic,
                            record.key(), reason, detail);
            return;
        }
        var a = arrival.get();
        var key = a.key() == null ? null : new String(a.key(), StandardCharsets.UTF_8); // valid UTF-8: Sources checked it
        context.forward(new Record<String, Outbound>(key, Outbound.deadLetter(applicationId, a.value()), record.timestamp(),
                headers(a, applicationId, reason, detail)));
        counted(meters, a.topic(), key, reason, detail);
    }

    /** Records refused that could not be dead-lettered (where they are: the ERROR log line); one series, from the start. */
    public static io.micrometer.core.instrument.Counter failures(MeterRegistry meters) {
        return io.micrometer.core.instrument.Counter.builder("dead_letter_failures_total")
                .description("Refused records that could not be written to the dead-letter topic").register(meters);
    }

    /**
     * Counts a record sent to the dead-letter topic ({@code dead_lettered_records_total{topic,reason}}) and logs it
     * at WARN with its source topic, key (the order or user id) and reason as fields of the structured log.
     */
    public static void counted(MeterRegistry meters, String topic, String key, String reason, String detail) {
        meters.counter("dead_lettered_records_total", "topic", topic, "reason", reason).increment();
        log.atWarn().addKeyValue("topic", topic).addKeyValue("recordKey", key).addKeyValue("reason", reason)
                .log("A record of {} with key {} went to the dead-letter topic: {} ({})", topic, key, reason,
                        detail == null ? "" : truncate(detail));
    }
}
