import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends one record that is not Avro to an input topic, so that its consumer dead-letters it, and
 * waits until the service's scrape shows dead_lettered_records_total for that topic. The counter
 * exists only after the first dead letter; the live check of the alert and dashboard queries
 * (deploy/ops/live-check.sh) needs it, and this exercises the dead-letter path end to end.
 *
 *   java -cp "tools/local-stack/target/kafka-libs/*" deploy/ops/dead-letter-probe.java \
 *       127.0.0.1:9092 carrier.scans http://127.0.0.1:8082/actuator/prometheus
 *
 * Only for a local or CI stack: the record lands in the consumer's dead-letter topic.
 */
public class DeadLetterProbe {

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: dead-letter-probe.java <bootstrap-servers> <topic> <scrape-url>");
            System.exit(2);
        }
        var bootstrap = args[0];
        var topic = args[1];
        var scrape = URI.create(args[2]);
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (var producer = new KafkaProducer<String, byte[]>(config)) {
            var value = "dead-letter probe: not Avro".getBytes(StandardCharsets.UTF_8);
            var sent = producer.send(new ProducerRecord<>(topic, "dead-letter-probe", value)).get(60, TimeUnit.SECONDS);
            System.out.printf("sent a record that is not Avro to %s-%d@%d%n", topic, sent.partition(), sent.offset());
        }

        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        var wanted = "topic=\"" + topic + "\"";
        var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var body = http.send(HttpRequest.newBuilder(scrape).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                var seen = body.lines().filter(l -> l.startsWith("dead_lettered_records_total{") && l.contains(wanted))
                        .findFirst();
                if (seen.isPresent()) {
                    System.out.println("dead-lettered: " + seen.get());
                    return;
                }
            } catch (java.io.IOException e) {
                // the service may be busy; try again
            }
            Thread.sleep(500);
        }
        System.err.println("no dead_lettered_records_total{" + wanted + "} on " + scrape + " within 60s");
        System.exit(1);
    }
}
