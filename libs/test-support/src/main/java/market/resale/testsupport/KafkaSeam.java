package market.resale.testsupport;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one way integration tests get a real Kafka broker (KRaft, single node). With a Docker engine it
 * is Apache Kafka's own image through Testcontainers; without one (these build machines) it is
 * spring-kafka-test's embedded KRaft broker inside the test JVM, listening on 127.0.0.1. Either way
 * tests see only {@link #bootstrapServers()}.
 *
 * <p>{@code -Dtestsupport.kafka=embedded} (or {@code =container}) skips the Docker probe.
 */
public final class KafkaSeam implements AutoCloseable {

    public static final String MODE_PROPERTY = "testsupport.kafka";
    /** The broker version of the jars on the classpath, so both kinds run the same Kafka. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";

    private static final Logger log = LoggerFactory.getLogger(KafkaSeam.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private static KafkaSeam shared;

    private final Kind kind;
    private final String bootstrapServers;
    private final AutoCloseable broker;

    public enum Kind { CONTAINER, EMBEDDED }

    private KafkaSeam(Kind kind, String bootstrapServers, AutoCloseable broker) {
        this.kind = kind;
        this.bootstrapServers = bootstrapServers;
        this.broker = broker;
    }

    /**
     * The broker shared by every test of this JVM, started on first use and stopped by a shutdown hook.
     * Do not close it; topics persist between tests, so tests use their own topic names or consumer groups.
     */
    public static synchronized KafkaSeam shared() {
        if (shared == null) {
            KafkaSeam started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "kafka-seam-stop"));
            shared = started;
        }
        return shared;
    }

    /** Starts a broker of its own; the caller closes it. */
    public static KafkaSeam start() {
        Kind kind = chooseKind();
        KafkaSeam seam = kind == Kind.CONTAINER ? startContainer() : startEmbedded();
        log.info("Kafka broker ({}) at {}", seam.kind, seam.bootstrapServers);
        return seam;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Kind kind() {
        return kind;
    }

    /** Creates the topics with one replica; a topic that exists already is left as it is. */
    public void createTopics(Collection<String> names, int partitions) {
        List<NewTopic> topics = names.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + names, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating topics " + names + " took longer than " + ADMIN_TIMEOUT_SECONDS + "s", e);
        }
    }

    public void createTopics(Collection<String> names) {
        createTopics(names, 1);
    }

    @Override
    public synchronized void close() {
        try {
            broker.close();
        } catch (Exception e) {
            log.warn("Stopping the {} Kafka broker failed", kind, e);
        }
    }

    private static Kind chooseKind() {
        String forced = System.getProperty(MODE_PROPERTY, "").trim();
        if (forced.equalsIgnoreCase("embedded")) {
            return Kind.EMBEDDED;
        }
        if (forced.equalsIgnoreCase("container")) {
            return Kind.CONTAINER;
        }
        return dockerAvailable() ? Kind.CONTAINER : Kind.EMBEDDED;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            // Testcontainers' own failures (no socket, odd environments) mean the same: no Docker here.
            log.debug("No Docker engine", e);
            return false;
        }
    }

    private static KafkaSeam startContainer() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        container.start();
        return new KafkaSeam(Kind.CONTAINER, container.getBootstrapServers(), container::stop);
    }

    private static KafkaSeam startEmbedded() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        // The test kit binds "localhost"; pin both listeners to IPv4 loopback so that nothing
        // depends on how localhost resolves and the broker is not reachable from outside.
        broker.brokerProperty("listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0");
        // Kafka Streams with exactly-once needs the transaction log, which defaults to 3 replicas.
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        // The broker would otherwise set spring.kafka.bootstrap-servers for the whole JVM; tests pass
        // bootstrapServers() explicitly instead.
        broker.brokerListProperty("testsupport.kafka.bootstrap-servers");
        broker.afterPropertiesSet();
        String servers = broker.getBrokersAsString().replace("localhost:", "127.0.0.1:");
        return new KafkaSeam(Kind.EMBEDDED, servers, broker::destroy);
    }
}
