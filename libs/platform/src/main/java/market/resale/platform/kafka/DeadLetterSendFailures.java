package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stream does when the broker refuses a record it sends: a dead letter that cannot be written (too large for
 * the dead-letter topic, the topic gone, not authorized) is logged at ERROR with where it came from and counted
 * ({@code dead_letter_failures_total}), and the stream goes on (its source record stays on its topic, where the log
 * line says); any other record fails the thread as before, since losing a decision's event is not an option.
 * Installed by {@link StreamsRunner}.
 */
public final class DeadLetterSendFailures implements ProductionExceptionHandler {

    /** The config entry that carries the service's meter registry (an object, not a string). */
    static final String METERS = "app.meter-registry";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterSendFailures.class);

    private MeterRegistry meters = Metrics.globalRegistry;

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(METERS) instanceof MeterRegistry registry) {
            meters = registry;
        }
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        return deadLetter(record) ? skipped(record, exception) : ProductionExceptionHandlerResponse.FAIL;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context, ProducerRecord record,
                                                                           Exception exception, SerializationExceptionOrigin origin) {
        return deadLetter(record) ? skipped(record, exception) : ProductionExceptionHandlerResponse.FAIL;
    }

    private static boolean deadLetter(ProducerRecord<?, ?> record) {
        return record.topic().endsWith(".dlt");
    }

    private ProductionExceptionHandlerResponse skipped(ProducerRecord<?, ?> record, Exception exception) {
        var source = record.headers() == null ? null : DeadLetters.header(record.headers(), DeadLetters.SOURCE_TOPIC);
        var partition = record.headers() == null ? null : DeadLetters.header(record.headers(), DeadLetters.SOURCE_PARTITION);
        var offset = record.headers() == null ? null : DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET);
        DeadLetters.failures(meters).increment();
        log.atError().addKeyValue("topic", source).addKeyValue("partition", partition).addKeyValue("offset", offset)
                .log("A dead letter of {} (partition {}, offset {}) could not be written to {}: {}; the stream goes on, the record "
                        + "stays on its topic", source, partition, offset, record.topic(), exception.toString());
        return ProductionExceptionHandlerResponse.CONTINUE;
    }
}
