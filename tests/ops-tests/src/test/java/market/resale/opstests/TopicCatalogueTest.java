package market.resale.opstests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One list of topics and one idea of who may use them. The schemas catalogue ({@link Topics#specs()}),
 * the Strimzi {@code KafkaTopic}s of every overlay and the {@code kafka-init} topic list of
 * docker-compose.yml name the same topics with the same partitions, compaction and configs; each
 * service's {@code KafkaUser} may read exactly what the service's code consumes and write exactly what it
 * produces, checked against {@link #ACCESS} and {@link #ACCESS} against the code.
 */
class TopicCatalogueTest {

    /**
     * What each service consumes and produces (its README's topic tables). Its own dead-letter topic is a
     * write of every service and is not listed. {@link #theDeclaredAccessIsWhatTheCodeDoes} keeps this
     * table honest; the KafkaUsers must grant exactly it.
     */
    static final Map<String, Access> ACCESS = Map.of(
            "orders-service", new Access(
                    Set.of(Topics.ORDER_PLACED, Topics.ORDER_SHIPPED, Topics.CANCEL_COMMANDS, Topics.BUYER_COMMENT_COMMANDS,
                            Topics.CASE_EVENTS, Topics.CREDIT_ISSUED, Topics.ORDER_RATED),
                    Set.of(Topics.ORDER_CANCELLED, Topics.CANCELLATION_REJECTED, Topics.WINDOW_CLOSED, Topics.WINDOW_CLOSING,
                            Topics.SHIP_BY, Topics.CANCEL_COMMANDS, Topics.BUYER_COMMENT_COMMANDS)),
            "shipping-service", new Access(
                    Set.of(Topics.ORDER_PLACED, Topics.CARRIER_SCANS, Topics.ORDER_CANCELLED),
                    Set.of(Topics.ORDER_SHIPPED, Topics.LABEL_VOIDED, Topics.SCAN_CONFLICTS, Topics.CARRIER_SCANS)),
            "credits-service", new Access(
                    Set.of(Topics.ORDER_CANCELLED, Topics.REDEMPTION_REQUESTS),
                    Set.of(Topics.CREDIT_ISSUED, Topics.CREDIT_REDEEMED, Topics.REDEMPTION_REJECTED, Topics.REDEMPTION_REQUESTS)),
            "messaging-service", new Access(
                    Set.of(Topics.ORDER_PLACED, Topics.WINDOW_CLOSED, Topics.WINDOW_CLOSING, Topics.SHIP_BY, Topics.ORDER_SHIPPED,
                            Topics.ORDER_CANCELLED, Topics.CANCELLATION_REJECTED, Topics.CREDIT_ISSUED, Topics.CASE_EVENTS,
                            Topics.CONVERSATION_COMMANDS, Topics.INBOX_COMMANDS, Topics.NOTIFICATIONS),
                    Set.of(Topics.CONVERSATION_MESSAGES, Topics.SELLER_NON_RESPONSIVE, Topics.NOTIFICATIONS,
                            Topics.CANCEL_COMMANDS, Topics.CONVERSATION_COMMANDS, Topics.INBOX_COMMANDS)),
            "support-service", new Access(
                    Set.of(Topics.ORDER_PLACED, Topics.SELLER_NON_RESPONSIVE, Topics.CONVERSATION_MESSAGES, Topics.SCAN_CONFLICTS,
                            Topics.ORDER_CANCELLED, Topics.CANCELLATION_REJECTED, Topics.CASE_COMMANDS, Topics.CASE_SUMMARIES),
                    Set.of(Topics.CASE_EVENTS, Topics.CASE_SUMMARIES, Topics.CANCEL_COMMANDS, Topics.CASE_COMMANDS)));

    /** Apicurio Registry's own storage topics (deploy/k8s/base/registry): not the catalogue's. */
    static final Set<String> REGISTRY_TOPICS = Set.of("kafkasql-journal", "kafkasql-snapshots", "registry-events");

    record Access(Set<Topic<?>> reads, Set<Topic<?>> writes) {

        Set<String> readNames() {
            return names(reads);
        }

        /** What the service produces, its dead-letter topic included. */
        Set<String> writeNames(String application) {
            var names = new TreeSet<>(names(writes));
            names.add(Topic.deadLetterTopic(application));
            return names;
        }

        private static Set<String> names(Set<Topic<?>> topics) {
            return topics.stream().map(Topic::name).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** How a topic is created, in a form every source can be brought to. */
    record TopicSpec(int partitions, boolean compacted, Map<String, String> configs) {
    }

    // ---------------------------------------------------------------- one list of topics

    @Test
    void theCatalogueIsTheKafkaTopicsOfProd() {
        assertThat(kafkaTopics("prod")).isEqualTo(catalogue());
    }

    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyKafkaTopicIsTheCatalogueOrTheRegistrysOwn(String overlay) {
        var objects = KubernetesManifestsTest.typed(overlay);
        var names = KubernetesManifestsTest.all(objects, KafkaTopic.class).stream()
                .map(t -> t.getMetadata().getName()).collect(Collectors.toSet());

        assertThat(names).as("KafkaTopics of deploy/k8s/overlays/%s", overlay)
                .containsExactlyInAnyOrderElementsOf(Stream.concat(catalogue().keySet().stream(), REGISTRY_TOPICS.stream()).toList());
        assertThat(kafkaTopics(overlay)).isEqualTo(catalogue());
    }

    @Test
    void theCatalogueIsTheTopicListOfDockerCompose() {
        assertThat(composeTopics()).isEqualTo(catalogue());
    }

    /** Guards the comparisons above: they compare something. */
    @Test
    void theCatalogueHasEveryTopicAndEveryDeadLetterTopic() {
        var catalogue = catalogue();
        assertThat(catalogue).hasSize(Topics.ALL.size() + Topics.APPLICATIONS.size());
        Topics.APPLICATIONS.forEach(a -> assertThat(catalogue).containsKey(Topic.deadLetterTopic(a)));
        assertThat(catalogue.get(Topics.CASE_SUMMARIES.name()).compacted()).isTrue();
        assertThat(catalogue.get(Topics.CASE_COMMANDS.name()).configs()).containsKey("max.message.bytes");
    }

    static Map<String, TopicSpec> catalogue() {
        var topics = new TreeMap<String, TopicSpec>();
        for (var spec : Topics.specs()) {
            topics.put(spec.name(), new TopicSpec(spec.partitions(), spec.compacted(), new TreeMap<>(spec.configs())));
        }
        return topics;
    }

    /**
     * The catalogue's topics of an overlay: cleanup.policy becomes compaction, replication settings
     * (replicas, min.insync.replicas: the overlay's business) are left out, every other config is compared.
     */
    static Map<String, TopicSpec> kafkaTopics(String overlay) {
        var topics = new TreeMap<String, TopicSpec>();
        for (var topic : KubernetesManifestsTest.all(KubernetesManifestsTest.typed(overlay), KafkaTopic.class)) {
            var name = topic.getSpec().getTopicName() != null ? topic.getSpec().getTopicName() : topic.getMetadata().getName();
            if (REGISTRY_TOPICS.contains(name)) {
                continue;
            }
            var configs = new TreeMap<String, String>();
            topic.getSpec().getConfig().forEach((key, value) -> configs.put(key, String.valueOf(value)));
            var policy = configs.remove("cleanup.policy");
            assertThat(policy).as("topic %s cleanup.policy", name).isIn("delete", "compact");
            configs.remove("min.insync.replicas");
            topics.put(name, new TopicSpec(topic.getSpec().getPartitions(), "compact".equals(policy), configs));
        }
        return topics;
    }

    /**
     * docker-compose.yml's kafka-init service: environment TOPICS, one {@code name:partitions:cleanup.policy[:key=value...]}
     * per line.
     */
    static Map<String, TopicSpec> composeTopics() {
        var file = ProjectLayout.root().resolve(ProjectLayout.DEPLOY).resolve("docker-compose.yml");
        if (!Files.isRegularFile(file)) {
            fail("""
                    %s does not exist: the topic list of its kafka-init service (environment TOPICS, one \
                    name:partitions:cleanup.policy[:key=value...] per line) must match the catalogue.""".formatted(file));
        }
        JsonNode compose;
        try {
            compose = KubernetesManifestsTest.YAML.readTree(file.toFile());
        } catch (IOException e) {
            return fail("docker-compose.yml is not YAML: " + e.getMessage(), e);
        }
        var environment = compose.path("services").path("kafka-init").path("environment");
        String list = null;
        if (environment.isObject()) {
            list = environment.path("TOPICS").isTextual() ? environment.get("TOPICS").asText() : null;
        } else if (environment.isArray()) {
            for (var entry : environment) {
                if (entry.asText().startsWith("TOPICS=")) {
                    list = entry.asText().substring("TOPICS=".length());
                }
            }
        }
        if (list == null) {
            return fail("docker-compose.yml: services.kafka-init.environment.TOPICS is missing (the topic list, one "
                    + "name:partitions:cleanup.policy[:key=value...] per line)");
        }
        var topics = new TreeMap<String, TopicSpec>();
        for (var line : list.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            var fields = line.split(":");
            assertThat(fields.length).as("kafka-init TOPICS line '%s'", line).isGreaterThanOrEqualTo(3);
            assertThat(fields[2]).as("cleanup.policy of '%s'", line).isIn("delete", "compact");
            var configs = new TreeMap<String, String>();
            for (int i = 3; i < fields.length; i++) {
                var keyValue = fields[i].split("=", 2);
                assertThat(keyValue).as("config '%s' of '%s'", fields[i], line).hasSize(2);
                configs.put(keyValue[0], keyValue[1]);
            }
            var previous = topics.put(fields[0], new TopicSpec(Integer.parseInt(fields[1]), fields[2].equals("compact"), configs));
            assertThat(previous).as("kafka-init lists %s twice", fields[0]).isNull();
        }
        return topics;
    }

    // ---------------------------------------------------------------- who may use them

    private static final Pattern READ = Pattern.compile(
            "(?:Sources\\.avro(?:By)?\\(\\s*\\w+\\s*,|globalTable\\(|\\.stream\\(|\\.table\\(|partitionsFor\\(|subscribe\\(\\s*(?:List|Set)\\.of\\()"
                    + "\\s*Topics\\.([A-Z0-9_]+)");
    private static final Pattern WRITE = Pattern.compile(
            "(?:Outbound\\.to\\(|\\.publish\\(|\\.to\\(|new ProducerRecord<[^>]*>\\()\\s*Topics\\.([A-Z0-9_]+)");

    /**
     * The declared table against the services' code: a topic read through {@code Sources.avro(builder, Topics.X…)} or
     * {@code Sources.avroBy(builder, Topics.X…)}
     * (or a global table, a plain consumer) and written through {@code Outbound.to(Topics.Y…)} or
     * {@code publisher.publish(Topics.Z…)}. A new topic in the code without a line here (and so without an
     * ACL) fails.
     */
    @Test
    void theDeclaredAccessIsWhatTheCodeDoes() throws IOException {
        assertThat(ACCESS.keySet()).containsExactlyInAnyOrderElementsOf(Topics.APPLICATIONS);
        for (var application : Topics.APPLICATIONS) {
            var sources = ProjectLayout.service(ProjectLayout.root(), application).resolve("src/main/java");
            assertThat(sources).as("%s sources", application).isDirectory();
            var code = read(sources);

            var reads = constants(READ, code);
            var writes = constants(WRITE, code);

            var declared = ACCESS.get(application);
            assertThat(reads).as("%s consumes (in its code) vs TopicCatalogueTest.ACCESS", application)
                    .isNotEmpty().containsExactlyInAnyOrderElementsOf(declared.readNames());
            assertThat(writes).as("%s produces (in its code) vs TopicCatalogueTest.ACCESS", application)
                    .isNotEmpty().containsExactlyInAnyOrderElementsOf(Access.names(declared.writes()));
        }
    }

    /** Each service's KafkaUser: exactly its topics, its own Streams internals, group and transactional ids. */
    @ParameterizedTest(name = "deploy/k8s/overlays/{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyKafkaUserGrantsExactlyWhatItsServiceReadsAndWrites(String overlay) {
        var users = KubernetesManifestsTest.byName(KubernetesManifestsTest.all(KubernetesManifestsTest.typed(overlay), KafkaUser.class));
        var topics = catalogue().keySet();

        for (var application : Topics.APPLICATIONS) {
            assertThat(users).as("KafkaUser %s", application).containsKey(application);
            assertThat(users.get(application).getSpec().getAuthorization()).isInstanceOf(KafkaUserAuthorizationSimple.class);
            var acls = ((KafkaUserAuthorizationSimple) users.get(application).getSpec().getAuthorization()).getAcls();
            var declared = ACCESS.get(application);

            var reads = new TreeSet<String>();
            var writes = new TreeSet<String>();
            for (var acl : literalTopics(acls)) {
                var name = ((AclRuleTopicResource) acl.getResource()).getName();
                assertThat(topics).as("%s has an ACL on %s, which is no catalogue topic", application, name).contains(name);
                assertThat(acl.getOperations()).as("%s on %s", application, name).contains(StrimziAclOperation.DESCRIBE)
                        .isSubsetOf(StrimziAclOperation.READ, StrimziAclOperation.WRITE, StrimziAclOperation.DESCRIBE);
                if (acl.getOperations().contains(StrimziAclOperation.READ)) {
                    reads.add(name);
                }
                if (acl.getOperations().contains(StrimziAclOperation.WRITE)) {
                    writes.add(name);
                }
            }
            assertThat(reads).as("%s may read", application).containsExactlyInAnyOrderElementsOf(declared.readNames());
            assertThat(writes).as("%s may write", application).containsExactlyInAnyOrderElementsOf(declared.writeNames(application));

            // Nothing else but its own Streams internals, consumer group, transactional ids and idempotence.
            var internals = application + "-";
            assertThat(acls).as("%s ACLs besides its topics", application).filteredOn(acl -> !literalTopics(acls).contains(acl))
                    .hasSize(4)
                    .anySatisfy(acl -> {
                        assertThat(acl.getResource()).isInstanceOfSatisfying(AclRuleTopicResource.class, r -> {
                            assertThat(r.getName()).isEqualTo(internals);
                            assertThat(r.getPatternType()).isEqualTo(AclResourcePatternType.PREFIX);
                        });
                        assertThat(acl.getOperations()).containsExactlyInAnyOrder(StrimziAclOperation.CREATE, StrimziAclOperation.DELETE,
                                StrimziAclOperation.READ, StrimziAclOperation.WRITE, StrimziAclOperation.DESCRIBE, StrimziAclOperation.DESCRIBECONFIGS);
                    })
                    .anySatisfy(acl -> {
                        assertThat(acl.getResource()).isInstanceOfSatisfying(AclRuleGroupResource.class, r -> {
                            assertThat(r.getName()).isEqualTo(application);
                            assertThat(r.getPatternType()).isEqualTo(AclResourcePatternType.LITERAL);
                        });
                        assertThat(acl.getOperations()).containsExactlyInAnyOrder(StrimziAclOperation.READ, StrimziAclOperation.DESCRIBE);
                    })
                    .anySatisfy(acl -> {
                        assertThat(acl.getResource()).isInstanceOfSatisfying(AclRuleTransactionalIdResource.class, r -> {
                            assertThat(r.getName()).isEqualTo(internals);
                            assertThat(r.getPatternType()).isEqualTo(AclResourcePatternType.PREFIX);
                        });
                        assertThat(acl.getOperations()).containsExactlyInAnyOrder(StrimziAclOperation.WRITE, StrimziAclOperation.DESCRIBE);
                    })
                    .anySatisfy(acl -> {
                        assertThat(acl.getResource()).isInstanceOf(AclRuleClusterResource.class);
                        assertThat(acl.getOperations()).containsExactly(StrimziAclOperation.IDEMPOTENTWRITE);
                    });
            assertThat(acls).as("%s: allow rules only", application).allSatisfy(acl ->
                    assertThat(acl.getType() == null ? "allow" : acl.getType().toValue()).isEqualTo("allow"));
        }
        // A Streams prefix must not reach another service's topics: no catalogue topic starts with one.
        for (var application : Topics.APPLICATIONS) {
            assertThat(topics).noneMatch(t -> t.startsWith(application + "-"));
        }
    }

    private static List<AclRule> literalTopics(List<AclRule> acls) {
        return acls.stream().filter(acl -> acl.getResource() instanceof AclRuleTopicResource r
                && (r.getPatternType() == null || r.getPatternType() == AclResourcePatternType.LITERAL)).toList();
    }

    private static String read(Path sources) throws IOException {
        try (var files = Files.walk(sources)) {
            var text = new StringBuilder();
            for (var file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                text.append(Files.readString(file)).append('\n');
            }
            return text.toString();
        }
    }

    /** The topic names of the {@code Topics.X} constants a pattern finds in the code. */
    private static Set<String> constants(Pattern pattern, String code) {
        var names = new TreeSet<String>();
        var matcher = pattern.matcher(code);
        while (matcher.find()) {
            names.add(topicNamed(matcher.group(1)));
        }
        return names;
    }

    private static String topicNamed(String constant) {
        try {
            return ((Topic<?>) Topics.class.getField(constant).get(null)).name();
        } catch (ReflectiveOperationException | ClassCastException e) {
            return fail("Topics." + constant + " used in a service is not a topic of the catalogue", e);
        }
    }
}
