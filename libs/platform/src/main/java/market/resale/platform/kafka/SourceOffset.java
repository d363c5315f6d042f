package market.resale.platform.kafka;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * The input record a decision was made from: its topic, partition and offset. The decision is durable
 * once the service's consumer group has committed an offset past it, because under exactly-once the
 * decision's state, its output events and that offset commit in one transaction ({@link CommitWatch}).
 */
public record SourceOffset(String topic, int partition, long offset) {

    /** The record being processed; {@code null} in a punctuation (no input record). */
    public static SourceOffset of(ProcessingContext context) {
        return context.recordMetadata().map(m -> new SourceOffset(m.topic(), m.partition(), m.offset())).orElse(null);
    }

    /** Where the broker put a record that was just sent. */
    public static SourceOffset of(RecordMetadata metadata) {
        return new SourceOffset(metadata.topic(), metadata.partition(), metadata.offset());
    }
}
