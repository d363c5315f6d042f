package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.platform.kafka.Sources;
import market.resale.platform.kafka.StreamsRunner;
import market.resale.schemas.RecordMother;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topic;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * Issue 16, point 0, on a real broker: a stream whose threads keep failing on a record reports it (the runner's health
 * DOWN with the cause, the failures counted), and a dead letter the broker refuses does not stop the stream.
 */
class StreamFailureTest {

    private final KafkaSeam kafka = KafkaSeam.shared();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void threadsThatKeepFailingOnARecordMakeTheInstanceDown() throws Exception {
        var topic = "thread-failure-" + run;
        kafka.createTopics(List.of(topic), 1);
        var builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String())).foreach((key, value) -> {
            if (value.equals("boom")) {
                throw new IllegalStateException("a record the code cannot get past: " + key);
            }
        });
        var meters = new SimpleMeterRegistry();
        var runner = new StreamsRunner(builder.build(), () -> props("thread-failure-" + run), event -> { }, meters);
        runner.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.state() == KafkaStreams.State.RUNNING);
            assertThat(runner.health().getStatus()).isEqualTo(Status.UP);
            send(topic, "k-1", "boom");

            // (Awaitility would fail at the first exception a stream thread throws: here they are what is expected.)
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(runner::failing);
            var health = runner.health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(String.valueOf(health.getDetails().get("lastFailure"))).contains("cannot get past: k-1");
            assertThat(meters.counter("kafka_streams_thread_failures_total").count()).isGreaterThanOrEqualTo(3);

            // Stopping takes seconds in this state too (Ctrl-C under ./stack up, a pod's deletion), and the client
            // closes cleanly: NOT_RUNNING, not left PENDING_SHUTDOWN by a close that timed out.
            // (A replacement thread may be joining the group, which the broker holds for group.initial.rebalance.delay.ms:
            // about 6 s here; the close waits for it, within StreamsRunner.CLOSE_TIMEOUT.)
            assertTimeoutPreemptively(StreamsRunner.CLOSE_TIMEOUT.plusSeconds(5), () -> runner.stop());
            assertThat(runner.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        } finally {
            runner.stop();
        }
    }

    @Test
    void aDeadLetterTheBrokerRefusesDoesNotStopTheStream() throws Exception {
        var app = "dlt-refused-" + run;
        var topic = new Topic<>("dlt-refused-in-" + run, CancelOrderCommand.class, 1, false);
        var registryUrl = ApicurioRegistry.shared().ccompatUrl();
        try (var admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic.name(), 1, (short) 1),
                    // A dead-letter topic that takes nothing larger than 400 bytes: the refused record's will not fit.
                    new NewTopic(Topic.deadLetterTopic(app), 1, (short) 1).configs(Map.of("max.message.bytes", "400")))).all().get();
        }
        var registry = SchemaRegistryClients.forSettings(RegistrySettings.of(registryUrl));
        var meters = new SimpleMeterRegistry();
        var counters = new CommittedCounters(meters, CommitWatch.PROCESSED_IS_COMMITTED);
        var applied = new CopyOnWriteArrayList<String>();
        var builder = new StreamsBuilder();
        Outbound.sinks(Sources.avro(builder, topic, registry, app, meters)
                .process(() -> new ServiceProcessor<CancelOrderCommand, Outbound>(app, counters) {
                    @Override
                    protected void opened() {
                    }

                    @Override
                    public void process(Record<String, CancelOrderCommand> record) {
                        if (record.value().getActorId().equals("refused")) {
                            deadLetter(record, DeadLetters.INVALID, "refused by the test");
                        } else {
                            applied.add(record.value().getCommandId());
                        }
                    }
                }), registry, "refusals", app, List.of());
        Topology topology = builder.build();
        var runner = new StreamsRunner(topology, () -> props(app), event -> { }, meters);
        runner.start();
        try (var producer = new KafkaProducer<String, CancelOrderCommand>(producerProps(registryUrl))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> runner.state() == KafkaStreams.State.RUNNING);
            producer.send(new ProducerRecord<>(topic.name(), "o-1", RecordMother.cancelOrderCommand().setCommandId("c-refused")
                    .setOrderId("o-1").setActorId("refused").setNote("x".repeat(600)).build())).get();
            for (var i = 2; i <= 4; i++) {
                producer.send(new ProducerRecord<>(topic.name(), "o-" + i, RecordMother.cancelOrderCommand().setCommandId("c-" + i)
                        .setOrderId("o-" + i).build())).get();
            }

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(applied).contains("c-2", "c-3", "c-4"));
            assertThat(runner.failing()).isFalse();
            // At least once: a transaction the broker aborted is retried with its records, the refused one again.
            assertThat(meters.counter("dead_letter_failures_total").count()).isGreaterThanOrEqualTo(1);
        } finally {
            runner.stop();
        }
    }

    private Properties props(String applicationId) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 50);
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1000);
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(applicationId).toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return props;
    }

    private Properties producerProps(String registryUrl) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
        props.put(RegistrySettings.URL, registryUrl);
        return props;
    }

    private void send(String topic, String key, String value) throws Exception {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }
}
