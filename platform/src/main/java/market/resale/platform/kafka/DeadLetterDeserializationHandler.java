package market.resale.platform.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import market.resale.schemas.topics.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be deserialized (not Avro, unknown schema id, incompatible schema) is copied
 * byte for byte to the application's dead-letter topic with the reason in headers, and processing
 * continues with the next record. The copy is written and acknowledged before the handler returns,
 * so the poison record is never skipped without a trace; under a crash between the two it may be
 * dead-lettered twice, which a re-drive tolerates (it is the same record).
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    /** One producer per application and cluster in a process, shared by every stream thread's handler. */
    private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS = new java.util.concurrent.ConcurrentHashMap<>();

    private KafkaProducer<byte[], byte[]> producer;
    private String applicationId;
    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        applicationId = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
        deadLetterTopic = Topic.deadLetterTopic(applicationId);
        var props = new Properties();
        configs.forEach((key, value) -> {
            // Pass the connection and security settings on; drop the Streams-only ones.
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                props.put(key, value);
            }
        });
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, configs.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, applicationId + "-dead-letters");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer = PRODUCERS.computeIfAbsent(applicationId + "@" + props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG),
                k -> new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                                 Exception exception) {
        var headers = new RecordHeaders(record.headers().toArray());
        DeadLetters.describe(headers, DeadLetters.NOT_DESERIALIZABLE, rootMessage(exception));
        headers.add(DeadLetters.SOURCE_TOPIC, DeadLetters.bytes(record.topic()));
        headers.add(DeadLetters.SOURCE_PARTITION, DeadLetters.bytes(Integer.toString(record.partition())));
        headers.add(DeadLetters.SOURCE_OFFSET, DeadLetters.bytes(Long.toString(record.offset())));
        headers.add(DeadLetters.APPLICATION, DeadLetters.bytes(applicationId));
        try {
            producer.send(new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeserializationHandlerResponse.FAIL;
        } catch (ExecutionException | TimeoutException e) {
            log.error("Could not dead-letter {}-{}@{}; stopping rather than losing it",
                    record.topic(), record.partition(), record.offset(), e);
            return DeserializationHandlerResponse.FAIL;
        }
        log.warn("Dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), rootMessage(exception));
        Metrics.counter("dead_lettered_records_total", "topic", record.topic(), "reason", DeadLetters.NOT_DESERIALIZABLE)
                .increment();
        return DeserializationHandlerResponse.CONTINUE;
    }

    /** Closes the dead-letter producers; the handler interface has no close of its own. */
    public static void closeAll() {
        PRODUCERS.values().forEach(KafkaProducer::close);
        PRODUCERS.clear();
    }

    static String rootMessage(Throwable exception) {
        var message = new StringBuilder();
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!message.isEmpty()) {
                message.append(": ");
            }
            message.append(t.getClass().getSimpleName()).append(' ').append(t.getMessage());
        }
        return message.toString();
    }
}
