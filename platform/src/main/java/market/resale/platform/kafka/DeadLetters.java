package market.resale.platform.kafka;

import org.apache.avro.specific.SpecificRecord;

import org.apache.kafka.streams.processor.api.ProcessorContext;

import market.resale.schemas.topics.DeadLetterHeaders;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letter records: the original record (or its bytes, when it could not be deserialized) with
 * the reason in headers, so that an operator can see why and re-drive it after a fix.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);


    public static final String REASON = DeadLetterHeaders.REASON;
    public static final String DETAIL = DeadLetterHeaders.DETAIL;
    public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;
    public static final String APPLICATION = DeadLetterHeaders.APPLICATION;

    /** Stable reason codes, also the {@code reason} tag of {@code dead_lettered_records_total}. */
    public static final String NOT_DESERIALIZABLE = "not-deserializable";
    public static final String UNKNOWN_ORDER = "unknown-order";
    public static final String INVALID = "invalid";

    private DeadLetters() {
    }

    public static void describe(Headers headers, String reason, String detail) {
        headers.remove(REASON).remove(DETAIL);
        headers.add(REASON, bytes(reason));
        headers.add(DETAIL, bytes(detail == null ? "" : truncate(detail)));
    }

    public static <K, V> Record<K, V> describe(Record<K, V> record, String reason, String detail) {
        var copy = record.withHeaders(new org.apache.kafka.common.header.internals.RecordHeaders(record.headers().toArray()));
        describe(copy.headers(), reason, detail);
        return copy;
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

    /**
     * What every processor does with a record it cannot apply: forwards {@code value} to the application's dead-letter
     * topic, in the same transaction, with the reason, where the record is (topic, partition, offset) and the application
     * in its headers, then counts it under {@code sourceTopic} (the topic the value belongs to; null: where the record is).
     */
    public static void forward(ProcessorContext<String, ? super Outbound> context, Record<String, ?> record, String applicationId,
                               String sourceTopic, SpecificRecord value, String reason, String detail, MeterRegistry meters) {
        var headers = describe(record, reason, detail).headers();
        // The topic the value belongs to (its schema's subject, the meter's tag): the given one, else where the record is.
        var topic = sourceTopic != null ? sourceTopic : context.recordMetadata().map(m -> m.topic()).orElse("unknown");
        context.recordMetadata().ifPresent(m -> {
            headers.remove(SOURCE_TOPIC).remove(SOURCE_PARTITION).remove(SOURCE_OFFSET);
            headers.add(SOURCE_TOPIC, bytes(m.topic()));
            headers.add(SOURCE_PARTITION, bytes(Integer.toString(m.partition())));
            headers.add(SOURCE_OFFSET, bytes(Long.toString(m.offset())));
        });
        headers.remove(APPLICATION).add(APPLICATION, bytes(applicationId));
        context.forward(new Record<String, Outbound>(record.key(), Outbound.deadLetter(applicationId, topic, value), record.timestamp(),
                headers));
        counted(meters, topic, record.key(), reason, detail);
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
