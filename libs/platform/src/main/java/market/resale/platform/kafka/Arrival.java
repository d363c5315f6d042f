package market.resale.platform.kafka;

import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * A record as it arrived at the topology: its key and value bytes and headers exactly as the consumer read them, and
 * where it was read. {@link Sources} decodes every consumed record and hands the decoded value on while the arrival is
 * at hand, so that a processor that refuses the record dead-letters these bytes, never a re-serialization of what it
 * decoded (which would need the registry, and a schema the contract's owner may not accept under its subject).
 *
 * <p>Kafka Streams takes one record at a time through a sub-topology, depth first, on the stream thread that polled
 * it (punctuators run between records). So while {@code context.forward} of the decoding step runs, the record a
 * downstream processor of the same sub-topology is handling is the one that arrived; {@link #of} also checks that the
 * topic, partition and offset are the processor's own record's.
 *
 * @param topic the topic the value's schema belongs to (the meters' tag): where it was read, or, after a repartition
 *              that carries the bytes unchanged, the topic it was first read from
 * @param sourceTopic where this record was read
 */
public record Arrival(String topic, String sourceTopic, int partition, long offset, byte[] key, byte[] value, Headers headers) {

    private static final ThreadLocal<Arrival> CURRENT = new ThreadLocal<>();

    public Arrival {
        headers = new RecordHeaders(headers == null ? new org.apache.kafka.common.header.Header[0] : headers.toArray());
    }

    /** Runs {@code downstream} with this arrival as the stream thread's current record. */
    void during(Runnable downstream) {
        var outer = CURRENT.get();
        CURRENT.set(this);
        try {
            downstream.run();
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** The arrival of the record a processor is handling ({@code context.recordMetadata()}); empty in a punctuator. */
    public static Optional<Arrival> of(Optional<RecordMetadata> metadata) {
        var current = CURRENT.get();
        if (current == null || metadata.isEmpty()) {
            return Optional.empty();
        }
        var m = metadata.get();
        return current.sourceTopic.equals(m.topic()) && current.partition == m.partition() && current.offset == m.offset()
                ? Optional.of(current) : Optional.empty();
    }
}
