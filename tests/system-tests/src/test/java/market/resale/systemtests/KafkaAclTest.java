package market.resale.systemtests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import market.resale.credits.CreditsApplication;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.Refund;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroDeserializer;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.SecureKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 5, acceptance 4: the services' least-privilege ACLs, exactly as {@code deploy/k8s/base/kafka/users.yaml}
 * declares them (the test reads the manifest and applies what Strimzi's User Operator would), on a real
 * KRaft broker with SASL (SCRAM-SHA-512, as the KafkaUsers authenticate) and Kafka's StandardAuthorizer
 * denying whatever no ACL allows. Each service may use its own topics, group and transactional ids and is
 * denied the rest; credits-service runs for real with only its credentials and ACLs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaAclTest {

    private static final Path USERS = ProjectLayout.root().resolve(ProjectLayout.K8S).resolve("base/kafka/users.yaml");
    private static final String CREDITS = "credits-service";
    private static final long TIMEOUT_SECONDS = 30;

    private static SecureKafka broker;
    private static AclManifest manifest;
    private static final Map<String, String> passwords = new HashMap<>();

    @BeforeAll
    static void startASecuredBrokerWithTheManifestsUsersAndAcls() throws Exception {
        manifest = AclManifest.read(USERS);
        assertThat(manifest.byUser().keySet()).containsAll(Topics.APPLICATIONS);
        broker = SecureKafka.start();
        try (var admin = Admin.create(broker.adminClientConfig())) {
            // The topics exist as Strimzi's KafkaTopics make them (auto-creation is off, as in k8s).
            admin.createTopics(Topics.specs().stream().map(s -> new NewTopic(s.name(), s.partitions(), (short) 1)
                    .configs(s.configs())).toList()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            admin.createAcls(manifest.all()).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS)).until(() ->
                    admin.describeAcls(AclBindingFilter.ANY).values().get().size() == manifest.all().size());
        }
        for (var user : manifest.byUser().keySet()) {
            var password = "pw-" + UUID.randomUUID();
            broker.createScramUser(user, password);
            passwords.put(user, password);
        }
        // One record on every topic, so that an allowed read has something to return.
        try (var producer = new KafkaProducer<byte[], byte[]>(withSerializers(broker.adminClientConfig()))) {
            for (var topic : Topics.allNames()) {
                producer.send(new ProducerRecord<>(topic, "k".getBytes(), "v".getBytes())).get();
            }
        }
        System.out.printf("kafka acl: %d KafkaUsers, %d ACL bindings from %s applied to a SASL/SCRAM broker with StandardAuthorizer%n",
                manifest.byUser().size(), manifest.all().size(), USERS);
    }

    @AfterAll
    static void stopTheBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void creditsServiceUsesItsOwnTopicsGroupAndTransactionalIds() throws Exception {
        // Its exactly-once producer: transactional id prefixed credits-service-, writing its own topic.
        var txProps = producerProps(CREDITS);
        txProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, CREDITS + "-acl-test-0");
        try (var producer = new KafkaProducer<byte[], byte[]>(txProps)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.CREDIT_ISSUED.name(), "u".getBytes(), "credit".getBytes())).get();
            producer.commitTransaction();
        }
        // Its consumer group reads what it consumes and commits.
        try (var consumer = new KafkaConsumer<byte[], byte[]>(consumerProps(CREDITS, CREDITS))) {
            consumer.subscribe(List.of(Topics.ORDER_CANCELLED.name(), Topics.REDEMPTION_REQUESTS.name()));
            var read = new ArrayList<String>();
            await().atMost(Duration.ofSeconds(TIMEOUT_SECONDS)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.topic()));
                return read.containsAll(List.of(Topics.ORDER_CANCELLED.name(), Topics.REDEMPTION_REQUESTS.name()));
            });
            consumer.commitSync();
        }
        // Its Streams internals: topics prefixed credits-service- may be created.
        try (var admin = Admin.create(clientConfig(CREDITS))) {
            admin.createTopics(List.of(new NewTopic(CREDITS + "-acl-test-changelog", 1, (short) 1))).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(2)
    void creditsServiceIsDeniedTopicsGroupsAndTransactionalIdsItDoesNotOwn() throws Exception {
        // Writing orders-service's announcement of a cancellation (a forged cancellation → a forged credit).
        try (var producer = new KafkaProducer<byte[], byte[]>(producerProps(CREDITS))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.ORDER_CANCELLED.name(), "o".getBytes(), "x".getBytes()))
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(Topics.ORDER_CANCELLED.name());
        }
        // Reading support's commands (evidence, statements), even with its own group.
        try (var consumer = new KafkaConsumer<byte[], byte[]>(consumerProps(CREDITS, CREDITS))) {
            consumer.subscribe(List.of(Topics.CASE_COMMANDS.name()));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(Topics.CASE_COMMANDS.name());
        }
        // Joining orders-service's group, on a topic it may read.
        try (var consumer = new KafkaConsumer<byte[], byte[]>(consumerProps(CREDITS, "orders-service"))) {
            consumer.subscribe(List.of(Topics.ORDER_CANCELLED.name()));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 50; i++) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(GroupAuthorizationException.class);
        }
        // Using orders-service's transactional ids.
        var txProps = producerProps(CREDITS);
        txProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "orders-service-0_0");
        try (var producer = new KafkaProducer<byte[], byte[]>(txProps)) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        // Creating a topic outside its prefix.
        try (var admin = Admin.create(clientConfig(CREDITS))) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("orders.sneaky", 1, (short) 1))).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    /** Every service × every catalogue topic, write and read: allowed exactly where its KafkaUser's ACLs say. */
    @Test
    @Order(3)
    void everyServiceReadsAndWritesExactlyTheTopicsItsKafkaUserGrants() throws Exception {
        int checks = 0;
        int denied = 0;
        for (var service : Topics.APPLICATIONS) {
            var expectedWrites = new TreeSet<String>();
            var expectedReads = new TreeSet<String>();
            var actualWrites = new TreeSet<String>();
            var actualReads = new TreeSet<String>();
            try (var producer = new KafkaProducer<byte[], byte[]>(producerProps(service));
                 var consumer = new KafkaConsumer<byte[], byte[]>(consumerProps(service, null))) {
                for (var topic : Topics.allNames()) {
                    if (manifest.allowsTopic(service, topic, AclOperation.WRITE)) {
                        expectedWrites.add(topic);
                    }
                    if (manifest.allowsTopic(service, topic, AclOperation.READ)) {
                        expectedReads.add(topic);
                    }
                    if (canWrite(producer, topic)) {
                        actualWrites.add(topic);
                    }
                    if (canRead(consumer, topic)) {
                        actualReads.add(topic);
                    }
                    checks += 2;
                }
            }
            denied += 2 * Topics.allNames().size() - actualWrites.size() - actualReads.size();
            assertThat(actualWrites).as("topics %s may write", service).isEqualTo(expectedWrites);
            assertThat(actualReads).as("topics %s may read", service).isEqualTo(expectedReads);
            assertThat(actualWrites).as("%s writes its dead-letter topic", service).contains(service + ".dlt");
        }
        System.out.printf("kafka acl: %d topic checks (%d services x %d topics x write/read), %d denied, all as users.yaml declares%n",
                checks, Topics.APPLICATIONS.size(), Topics.allNames().size(), denied);
    }

    /** credits-service itself, with its SCRAM credentials and nothing but its ACLs: it reaches RUNNING and credits a cancellation. */
    @Test
    @Order(4)
    void creditsServiceRunsOnItsAclsAlone() throws Exception {
        var registry = ApicurioRegistry.shared();
        var extra = new LinkedHashMap<String, Object>();
        extra.put("app.kafka.create-topics", false); // as on k8s: the topics are KafkaTopics; Create is not granted
        extra.put("app.kafka.client[security.protocol]", "SASL_PLAINTEXT");
        extra.put("app.kafka.client[sasl.mechanism]", SecureKafka.SCRAM_MECHANISM);
        extra.put("app.kafka.client[sasl.jaas.config]", SecureKafka.scramJaasConfig(CREDITS, passwords.get(CREDITS)));
        try (var credits = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits-acl", broker.bootstrapServers(),
                registry.ccompatUrl(), extra)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(credits::ready);

            // orders-service (its own credentials) announces a cancellation; credits-service credits it.
            var buyer = "acl-buyer-" + UUID.randomUUID().toString().substring(0, 8);
            var orderId = "acl-o-" + UUID.randomUUID();
            var now = Instant.now();
            var cancelled = OrderCancelled.newBuilder().setOrderId(orderId).setCommandId("cmd-" + orderId).setBuyerId(buyer)
                    .setSellerId("acl-seller").setActor(Actor.BUYER).setActorId(buyer).setReason(CancelReason.CHANGED_MIND)
                    .setRefund(Refund.newBuilder().setItemCents(2_000).setShippingCents(500).setTaxCents(160)
                            .setCreditsAppliedCents(300).setTotalCents(2_960).setCurrency("USD").build())
                    .setPlacedAt(now.minusSeconds(60)).setCancelledAt(now).build();
            var ordersProps = producerProps("orders-service");
            ordersProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            ordersProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
            ordersProps.put(RegistrySettings.URL, registry.ccompatUrl());
            var issued = issuedConsumer(registry);
            try (var orders = new KafkaProducer<String, OrderCancelled>(ordersProps)) {
                orders.send(new ProducerRecord<>(Topics.ORDER_CANCELLED.name(), orderId, cancelled)).get();
            }

            var token = credits.token(buyer, "BUYER");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(credits.get("/accounts/" + buyer, token).body().at("/balances/0/amountCents").asLong()).isEqualTo(2_960));
            assertThat(credits.get("/accounts/" + buyer + "/ledger", token).body().get("entries")).hasSize(1);

            // The credit is on credits.credit-issued, committed: read as orders-service, which consumes it (group-less).
            try (issued) {
                var credited = new ArrayList<CreditIssued>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (var record : issued.poll(Duration.ofMillis(200))) {
                        if (record.value() != null && orderId.equals(record.value().getOrderId())) {
                            credited.add(record.value());
                        }
                    }
                    return !credited.isEmpty();
                });
                assertThat(credited).singleElement().satisfies(c -> assertThat(c.getAmountCents()).isEqualTo(2_960));
            }
        }
    }

    /** A read_committed, group-less reader of credits.credit-issued as orders-service, positioned at the current end. */
    private static KafkaConsumer<String, CreditIssued> issuedConsumer(ApicurioRegistry registry) {
        var props = consumerProps("orders-service", null);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class);
        props.put(AvroDeserializer.SPECIFIC_READER, true);
        props.put(AvroDeserializer.VALUE_TYPE, CreditIssued.class.getName());
        props.put(RegistrySettings.URL, registry.ccompatUrl());
        var consumer = new KafkaConsumer<String, CreditIssued>(props);
        var partitions = consumer.partitionsFor(Topics.CREDIT_ISSUED.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before the cancellation is published
        return consumer;
    }

    private static boolean canWrite(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        try {
            producer.send(new ProducerRecord<>(topic, "k".getBytes(), "v".getBytes())).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return false;
            }
            throw e;
        }
    }

    /** Group-less (assign), so only the topic's ACLs count; every topic holds a record, so an allowed read returns one. */
    private static boolean canRead(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(TIMEOUT_SECONDS)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline) {
                if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
                    return true;
                }
            }
            throw new AssertionError("Reading " + topic + " neither returned a record nor was denied");
        } catch (TopicAuthorizationException e) {
            return false;
        } finally {
            consumer.unsubscribe();
        }
    }

    private static Map<String, Object> clientConfig(String user) {
        return broker.scramClientConfig(user, passwords.get(user));
    }

    private static Properties producerProps(String user) {
        var props = new Properties();
        props.putAll(withSerializers(clientConfig(user)));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return props;
    }

    private static Map<String, Object> withSerializers(Map<String, Object> config) {
        var props = new HashMap<>(config);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    private static Properties consumerProps(String user, String group) {
        var props = new Properties();
        props.putAll(clientConfig(user));
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }
}
