package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes commands accepted over HTTP. Idempotent and acks=all: once the future completes the
 * command is durable, and only then does the HTTP caller hear that it was accepted.
 */
public class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, SpecificRecord> producer;
    private final RecordTracing tracing;
    private final KafkaClientMetrics metrics;

    /**
     * {@code tracing}: a record sent within a traced request carries the request's trace (a PRODUCER span's context).
     * {@code meters}: the producer's client metrics ({@code kafka_producer_*}, tagged with its {@code client_id}).
     */
    public EventPublisher(KafkaSettings settings, String clientId, SchemaRegistryClient registry, RecordTracing tracing,
                          MeterRegistry meters) {
        this.tracing = tracing;
        var props = new Properties();
        props.putAll(settings.client());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        // An HTTP caller waits for this send: fail in seconds, not the default minute, when the broker is away.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, false));
        metrics = new KafkaClientMetrics(producer);
        metrics.bindTo(meters);
    }

    /**
     * Sends a record; the future completes once the broker has it. {@code send} itself may block
     * (metadata, schema registration), so reactive callers subscribe to it off the event loop.
     */
    public <V extends SpecificRecord> CompletableFuture<RecordMetadata> publish(Topic<V> topic, String key, V value) {
        var result = new CompletableFuture<RecordMetadata>();
        var record = new ProducerRecord<String, SpecificRecord>(topic.name(), key, value);
        var span = tracing.publishing(topic.name(), record.headers());
        try {
            producer.send(record, (metadata, error) -> {
                RecordTracing.end(span, error);
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            RecordTracing.end(span, e);
            throw e;
        }
        return result;
    }

    @Override
    public void close() {
        metrics.close();
        // Bounded: a service stops in seconds even when the broker is away (a send not acknowledged by then fails,
        // and its HTTP caller was not told it was accepted). Its callers are gone by now: the web server has drained.
        producer.close(java.time.Duration.ofSeconds(3));
    }
}
