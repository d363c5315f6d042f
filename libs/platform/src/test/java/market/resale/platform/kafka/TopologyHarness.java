package market.resale.platform.kafka;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiFunction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A service topology under {@link TopologyTestDriver}, with the catalogue's serdes bound to a fresh
 * in-memory registry and the wall clock under the test's control. Topics are typed by the catalogue,
 * so a test never spells a topic name.
 */
public final class TopologyHarness implements AutoCloseable {

    private final String applicationId;
    private final SchemaRegistryClient registry;
    private final TopologyTestDriver driver;
    private final Topology topology;
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private Instant wallClock;

    private TopologyHarness(String applicationId, BiFunction<SchemaRegistryClient, MeterRegistry, Topology> topology, Instant wallClock) {
        this.applicationId = applicationId;
        this.registry = SchemaRegistryClients.forSettings(RegistrySettings.of("mock://" + applicationId + "-" + UUID.randomUUID()));
        this.wallClock = wallClock;
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(applicationId + "-ttd").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.topology = topology.apply(registry, meters);
        this.driver = new TopologyTestDriver(this.topology, props, wallClock);
    }

    /** Starts the topology built against this harness's registry and meters, with the wall clock at {@code wallClock}. */
    public static TopologyHarness start(String applicationId, BiFunction<SchemaRegistryClient, MeterRegistry, Topology> topology,
                                        Instant wallClock) {
        return new TopologyHarness(applicationId, topology, wallClock);
    }

    public <V extends SpecificRecord> TestInputTopic<String, V> input(Topic<V> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), topic.valueSerde(registry).serializer());
    }

    /** The topic as bytes, for records that are not what the topic promises (poison records). */
    public TestInputTopic<String, byte[]> rawInput(Topic<?> topic) {
        return driver.createInputTopic(topic.name(), new StringSerializer(), new ByteArraySerializer());
    }

    public <V extends SpecificRecord> TestOutputTopic<String, V> output(Topic<V> topic) {
        return driver.createOutputTopic(topic.name(), new StringDeserializer(), topic.valueSerde(registry).deserializer());
    }

    public TestOutputTopic<String, byte[]> deadLetters() {
        return driver.createOutputTopic(Topic.deadLetterTopic(applicationId), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The in-memory registry the topology's serdes use: a test can register an upstream's own schema first. */
    public SchemaRegistryClient registry() {
        return registry;
    }

    /** The meters the topology recorded (its business metrics). */
    public MeterRegistry meters() {
        return meters;
    }

    /** The count of a counter with these tags, 0 when it was never incremented. */
    public double count(String counter, String... tags) {
        var found = meters.find(counter).tags(tags).counter();
        return found == null ? 0 : found.count();
    }

    public <V> KeyValueStore<String, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** Moves the wall clock (timers) forward to {@code now}. */
    public void advanceWallClockTo(Instant now) {
        driver.advanceWallClockTime(Duration.between(wallClock, now));
        wallClock = now;
    }

    /**
     * The service README shows this topology as {@code Topology.describe()} tells it, between the markers
     * {@value #BEGIN} and {@value #END}; with {@code -Dtopology.update=true} the section is rewritten instead (commit
     * the diff). Every output is a named sink ({@code Outbound.sinks}), so the picture names every topic written.
     */
    public void assertReadmeShowsTopology(java.nio.file.Path readme) throws java.io.IOException {
        var described = topology.describe().toString().strip();
        var section = BEGIN + "\n```text\n" + described + "\n```\n" + END;
        var text = java.nio.file.Files.readString(readme);
        var begin = text.indexOf(BEGIN);
        var end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new AssertionError(readme + " has no topology section (" + BEGIN + " ... " + END + ")");
        }
        var current = text.substring(begin, end + END.length());
        if (Boolean.getBoolean("topology.update")) {
            java.nio.file.Files.writeString(readme, text.replace(current, section));
        } else if (!current.equals(section)) {
            throw new AssertionError(readme + " does not show the topology the code builds; rewrite it with "
                    + "-Dtopology.update=true and commit the diff. The code builds:\n" + described);
        }
    }

    static final String BEGIN = "<!-- topology: generated from Topology.describe(), checked by the topology test -->";
    static final String END = "<!-- /topology -->";

    @Override
    public void close() {
        driver.close();
    }
}
