package market.resale.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second, secured single-node KRaft broker in the test JVM, for tests of authentication and ACLs
 * (the shared {@link KafkaSeam} broker stays open, PLAINTEXT, no authorizer).
 *
 * <p>Both listeners speak SASL_PLAINTEXT. The client listener offers {@code SCRAM-SHA-512} (what the
 * Strimzi {@code KafkaUser}s use; users are created with {@link #createScramUser}) and {@code PLAIN}
 * for one super user, {@link #ADMIN}, whose password only this object knows: the broker itself
 * (inter-broker and broker-to-controller) and the test's admin client log in as it. Authorization is
 * Kafka's {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}: whatever no ACL
 * allows is denied, as with Strimzi's {@code authorization: simple}.
 *
 * <p>Built on Apache Kafka's {@link KafkaClusterTestKit} directly (the engine under spring-kafka-test's
 * embedded broker), with every security property set here and per listener, so nothing JVM-wide
 * (no JAAS file, no {@code java.security.auth.login.config}, no system properties) is touched.
 */
public final class SecureKafka implements AutoCloseable {

    /** The super user (PLAIN). */
    public static final String ADMIN = "kafka-admin";
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

    private static final Logger log = LoggerFactory.getLogger(SecureKafka.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final String adminPassword;

    private SecureKafka(KafkaClusterTestKit cluster, String bootstrapServers, String adminPassword) {
        this.cluster = cluster;
        this.bootstrapServers = bootstrapServers;
        this.adminPassword = adminPassword;
    }

    /** Starts a broker of its own; the caller closes it. */
    public static SecureKafka start() {
        String adminPassword = "admin-" + java.util.UUID.randomUUID();
        String plainJaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                + "\" password=\"" + adminPassword + "\" user_" + ADMIN + "=\"" + adminPassword + "\";";
        KafkaClusterTestKit cluster = null;
        try {
            Path base = Files.createTempDirectory("secure-kafka");
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                    .setBaseDirectory(base)
                    .build();
            String broker = nodes.brokerListenerName().value();       // EXTERNAL
            String controller = nodes.controllerListenerName().value(); // CONTROLLER
            Map<String, Object> props = new HashMap<>();
            props.put("listeners", broker + "://127.0.0.1:0," + controller + "://127.0.0.1:0");
            props.put("listener.security.protocol.map", broker + ":SASL_PLAINTEXT," + controller + ":SASL_PLAINTEXT");
            props.put("sasl.enabled.mechanisms", "PLAIN," + SCRAM_MECHANISM);
            props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            props.put("sasl.mechanism.controller.protocol", "PLAIN");
            String b = "listener.name." + broker.toLowerCase() + ".";
            String c = "listener.name." + controller.toLowerCase() + ".";
            props.put(b + "sasl.enabled.mechanisms", "PLAIN," + SCRAM_MECHANISM);
            props.put(b + "plain.sasl.jaas.config", plainJaas);
            props.put(b + SCRAM_MECHANISM.toLowerCase() + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            props.put(c + "sasl.enabled.mechanisms", "PLAIN");
            props.put(c + "plain.sasl.jaas.config", plainJaas);
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("allow.everyone.if.no.acl.found", "false");
            props.put("super.users", "User:" + ADMIN);
            // One node: the internal topics with one replica; exactly-once needs the transaction log.
            props.put("offsets.topic.replication.factor", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("num.partitions", "1");
            props.put("auto.create.topics.enable", "false");
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            props.forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String servers = cluster.bootstrapServers().replace("localhost:", "127.0.0.1:");
            log.info("Secured Kafka broker (SASL_PLAINTEXT, SCRAM-SHA-512 + PLAIN super user, StandardAuthorizer) at {}", servers);
            return new SecureKafka(cluster, servers, adminPassword);
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("Could not start the secured Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client settings of the super user: bootstrap, SASL_PLAINTEXT, PLAIN. */
    public Map<String, Object> adminClientConfig() {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + ADMIN + "\" password=\"" + adminPassword + "\";");
    }

    /** Client settings of a SCRAM-SHA-512 user, as Strimzi's User Operator puts them in the user's Secret. */
    public Map<String, Object> scramClientConfig(String user, String password) {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, scramJaasConfig(user, password));
    }

    public static String scramJaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Creates (or replaces) a SCRAM-SHA-512 credential, as the User Operator does for a KafkaUser. */
    public void createScramUser(String user, String password) {
        try (Admin admin = Admin.create(adminClientConfig())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            // The credential reaches the broker's authenticator through the metadata log: wait until it is there.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
            while (admin.describeUserScramCredentials(List.of(user)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(user).credentialInfos().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The SCRAM credential of " + user + " did not appear");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating user " + user, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create the SCRAM user " + user, e);
        }
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            log.warn("Stopping the secured Kafka broker failed", e);
        }
    }
}
