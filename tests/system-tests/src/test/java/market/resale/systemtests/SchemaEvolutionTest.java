package market.resale.systemtests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import market.resale.credits.CreditsApplication;
import market.resale.messaging.MessagingApplication;
import market.resale.orders.OrdersApplication;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.compatibility.EvolutionBuildCheck;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroDeserializer;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.ShippingApplication;
import market.resale.support.SupportApplication;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, acceptance 5: the upstream checkout app switches {@code checkout.order-placed} from v1 to a v2
 * with an added, defaulted field in the middle of a stream of orders and cancellations, on the real
 * broker and the real Apicurio Registry (global compatibility BACKWARD): nothing is lost, nothing is
 * dead-lettered, every order of both versions is visible and cancellable and is credited exactly once, has
 * its buyer-seller conversation (messaging-service) and can be the subject of a case (support-service).
 * A v2 that adds a required field (no default) is refused by the registry (nothing is written) and by
 * the build's BACKWARD check.
 */
class SchemaEvolutionTest {

    /** Orders per schema version. */
    private static final int PER_VERSION = 30;
    private static final int BUYERS = 3;
    /** Orders published while old (v1) and new (v2) upstream instances both run, alternately; even. */
    private static final int ROLLOUT = 10;
    private static final String SUBJECT = Topics.ORDER_PLACED.name() + "-value";
    private static final List<String> SERVICES = List.of("orders-service", "credits-service", "shipping-service",
            "messaging-service", "support-service");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static KafkaSeam kafka;
    private static ApicurioRegistry registry;
    private static ServiceProcess orders;
    private static ServiceProcess credits;
    private static ServiceProcess shipping;
    private static ServiceProcess messaging;
    private static ServiceProcess support;

    @BeforeAll
    static void startTheServices() {
        kafka = KafkaSeam.shared();
        registry = ApicurioRegistry.shared();
        orders = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders", kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
        credits = ServiceProcess.start(CreditsApplication.class, "credits-service", "credits", kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
        shipping = ServiceProcess.start(ShippingApplication.class, "shipping-service", "shipping", kafka.bootstrapServers(), registry.ccompatUrl(), Map.of());
        messaging = ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        support = ServiceProcess.start(SupportApplication.class, "support-service", "support", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> orders.ready() && credits.ready() && shipping.ready() && messaging.ready() && support.ready());
    }

    @AfterAll
    static void stopTheServices() {
        for (var service : new ServiceProcess[] {support, messaging, shipping, credits, orders}) {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void anUpstreamSwitchToAV2WithADefaultedFieldMidStreamLosesNothing() throws Exception {
        assertThat(registryGet("/config").body()).contains("BACKWARD");
        var run = UUID.randomUUID().toString().substring(0, 8);
        var deadLettersBefore = endOffsets(SERVICES.stream().map(Topic::deadLetterTopic).toList());
        Schema v2 = evolvedSchema("OrderPlaced-v2-gift-message.avsc");
        assertThat(v2.getField("giftMessage")).isNotNull();

        var tokens = new HashMap<String, String>();
        var refunds = new TreeMap<String, Long>();       // buyer -> expected balance
        var orderBuyer = new HashMap<String, String>();  // orderId -> buyer
        var orderIds = new ArrayList<String>();
        var versionOf = new HashMap<String, Integer>();
        var cancelled = new ArrayList<String>();

        try (var v1Producer = new KafkaProducer<String, OrderPlaced>(upstreamProps());
             var v2Producer = new KafkaProducer<String, GenericRecord>(upstreamProps())) {
            // One stream of 2N orders: v1 (the generated class) first, then the upstream app is redeployed
            // with v2 (a generic record from the .avsc; its first send registers v2). During the rollout
            // (ROLLOUT orders around the middle) old and new instances publish alternately; afterwards only
            // v2. Each order is published, then the previous one is cancelled by its buyer, so cancellations
            // of v1 orders are still being decided while v2 orders arrive.
            for (int i = 0; i < 2 * PER_VERSION; i++) {
                var buyer = "evo-" + run + "-b" + (i % BUYERS);
                tokens.computeIfAbsent(buyer, b -> orders.token(b, "BUYER"));
                var orderId = "evo-" + run + "-" + i;
                long price = 1_000 + i;
                var placedAt = Instant.now();
                boolean v1 = i < PER_VERSION - ROLLOUT / 2 || (i < PER_VERSION + ROLLOUT / 2 && i % 2 == 0);
                if (v1) {
                    var order = OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(buyer).setSellerId("evo-seller-" + run)
                            .setListingId("l-" + orderId).setTitle("Wool coat").setSize("M").setCondition(ItemCondition.EXCELLENT)
                            .setPriceCents(price).setShippingCents(500).setTaxCents(160).setCreditsAppliedCents(300)
                            .setCurrency("USD").setPlacedAt(placedAt).build();
                    v1Producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order)).get();
                    versionOf.put(orderId, 1);
                } else {
                    GenericRecord order = new GenericData.Record(v2);
                    order.put("orderId", orderId);
                    order.put("buyerId", buyer);
                    order.put("sellerId", "evo-seller-" + run);
                    order.put("listingId", "l-" + orderId);
                    order.put("title", "Wool coat");
                    order.put("size", "M");
                    order.put("condition", new GenericData.EnumSymbol(v2.getField("condition").schema(), "EXCELLENT"));
                    order.put("priceCents", price);
                    order.put("shippingCents", 500L);
                    order.put("taxCents", 160L);
                    order.put("creditsAppliedCents", 300L);
                    order.put("currency", "USD");
                    order.put("placedAt", placedAt.toEpochMilli());
                    order.put("giftMessage", i % 2 == 0 ? "Happy birthday!" : null);
                    v2Producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order)).get();
                    versionOf.put(orderId, 2);
                }
                orderIds.add(orderId);
                orderBuyer.put(orderId, buyer);
                refunds.merge(buyer, price + 500 + 160 + 300, Long::sum);
                if (i > 0) {
                    cancel(orderIds.get(i - 1), orderBuyer, tokens, cancelled);
                }
            }
            cancel(orderIds.getLast(), orderBuyer, tokens, cancelled);
        }

        // Both versions are on the topic under their own schema ids, and v2 is the subject's latest version.
        var schemaIds = schemaIdsByOrder(Set.copyOf(orderIds));
        assertThat(schemaIds).hasSize(2 * PER_VERSION);
        assertThat(versionOf.values().stream().filter(v -> v == 1)).hasSize(PER_VERSION);
        var v1Ids = orderIds.stream().filter(o -> versionOf.get(o) == 1).map(schemaIds::get).distinct().toList();
        var v2Ids = orderIds.stream().filter(o -> versionOf.get(o) == 2).map(schemaIds::get).distinct().toList();
        assertThat(v1Ids).hasSize(1);
        assertThat(v2Ids).hasSize(1).doesNotContainAnyElementsOf(v1Ids);
        assertThat(registryGet("/schemas/ids/" + v2Ids.getFirst()).body()).contains("giftMessage");
        assertThat(registryGet("/subjects/" + SUBJECT + "/versions/latest").body()).contains("giftMessage");

        // Every order of both versions was cancelled (200 CANCELLED, checked in cancel()) and shows as CANCELLED.
        assertThat(cancelled).hasSize(2 * PER_VERSION);
        for (var orderId : orderIds) {
            var order = orders.get("/orders/" + orderId, tokens.get(orderBuyer.get(orderId)));
            assertThat(order.status()).as(orderId).isEqualTo(200);
            assertThat(order.body().get("status").asString()).as(orderId).isEqualTo("CANCELLED");
        }

        // Exactly one credit per cancelled order (read_committed), and every balance is the sum of its refunds.
        var credited = creditsFor(run, 2 * PER_VERSION);
        assertThat(credited.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
        assertThat(credited.keySet()).containsExactlyInAnyOrderElementsOf(orderIds);
        for (var entry : refunds.entrySet()) {
            var token = credits.token(entry.getKey(), "BUYER");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    credits.get("/accounts/" + entry.getKey(), token).body().at("/balances/0/amountCents").asLong())
                    .as(entry.getKey()).isEqualTo(entry.getValue()));
            var ledger = credits.get("/accounts/" + entry.getKey() + "/ledger", token).body().get("entries");
            assertThat(ledger).hasSize(2 * PER_VERSION / BUYERS);
        }

        // messaging-service and support-service read checkout.order-placed too: every order of both versions has
        // its conversation between its buyer and seller, and a buyer can open a case about a v2 order.
        for (var orderId : orderIds) {
            var buyerToken = tokens.get(orderBuyer.get(orderId));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                var conversation = messaging.get("/orders/" + orderId + "/conversation", buyerToken);
                assertThat(conversation.status()).as(orderId + " v" + versionOf.get(orderId)).isEqualTo(200);
                assertThat(conversation.body().toString()).contains(orderBuyer.get(orderId)).contains("evo-seller-" + run);
            });
        }
        var v2Order = orderIds.getLast();
        var opened = support.post("/cases", tokens.get(orderBuyer.get(v2Order)), "{\"orderId\":\"" + v2Order
                + "\",\"type\":\"COMPLAINT\",\"description\":\"The coat arrived torn.\"}", Map.of());
        assertThat(opened.status()).as(opened.body().toString()).isEqualTo(201);
        assertThat(opened.body().get("sellerId").asString()).isEqualTo("evo-seller-" + run);

        // Nothing of it was dead-lettered by any of the services that read checkout.order-placed or its consequences.
        var deadLettersAfter = endOffsets(SERVICES.stream().map(Topic::deadLetterTopic).toList());
        assertThat(deadLettersAfter).isEqualTo(deadLettersBefore);

        long total = refunds.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("schema evolution: %d v1 orders (schema id %d) and %d v2 orders (schema id %d), %d cancellations,"
                        + " %d credits (one each), %d cents credited to %d buyers, 0 dead letters%n",
                PER_VERSION, v1Ids.getFirst(), PER_VERSION, v2Ids.getFirst(), cancelled.size(), credited.size(), total, refunds.size());
    }

    @Test
    void aV2WithoutADefaultIsRefusedByTheRegistryAndByTheBuild() throws Exception {
        assertThat(registryGet("/config").body()).contains("BACKWARD");
        Schema required = evolvedSchema("OrderPlaced-v2-required-channel.avsc");
        assertThat(required.getField("channel").hasDefaultValue()).isFalse();

        // The subject exists with at least v1 (an order of the current contract registers it if nothing has yet).
        try (var v1Producer = new KafkaProducer<String, OrderPlaced>(upstreamProps())) {
            var orderId = "evo-v1-" + UUID.randomUUID();
            v1Producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, OrderPlaced.newBuilder()
                    .setOrderId(orderId).setBuyerId("evo-buyer").setSellerId("evo-seller").setListingId("l").setTitle("Scarf")
                    .setCondition(ItemCondition.GOOD).setPriceCents(1_000).setShippingCents(0).setTaxCents(0)
                    .setCreditsAppliedCents(0).setCurrency("USD").setPlacedAt(Instant.now()).build())).get();
        }
        var versionsBefore = registryGet("/subjects/" + SUBJECT + "/versions").body();

        // The registry's own verdict, then a registration as any client would attempt it: refused.
        var verdict = registryPost("/compatibility/subjects/" + SUBJECT + "/versions/latest", required);
        assertThat(verdict.statusCode()).isEqualTo(200);
        assertThat(ServiceProcess.JSON.readTree(verdict.body()).get("is_compatible").asBoolean()).isFalse();
        var registration = registryPost("/subjects/" + SUBJECT + "/versions", required);
        assertThat(registration.statusCode()).as(registration.body()).isIn(409, 422);

        // The project's serializer, as the upstream app would use it: the send throws and nothing is written.
        var before = endOffsets(List.of(Topics.ORDER_PLACED.name()));
        GenericRecord order = new GenericData.Record(required);
        order.put("orderId", "evo-refused");
        order.put("buyerId", "evo-buyer");
        order.put("sellerId", "evo-seller");
        order.put("listingId", "l");
        order.put("title", "Scarf");
        order.put("condition", new GenericData.EnumSymbol(required.getField("condition").schema(), "GOOD"));
        order.put("priceCents", 1_000L);
        order.put("shippingCents", 0L);
        order.put("taxCents", 0L);
        order.put("creditsAppliedCents", 0L);
        order.put("currency", "USD");
        order.put("placedAt", Instant.now().toEpochMilli());
        order.put("channel", "app");
        Throwable failure = null;
        try (var producer = new KafkaProducer<String, GenericRecord>(upstreamProps())) {
            producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), "evo-refused", order)).get();
        } catch (Exception e) {
            failure = e;
        }
        assertThat(failure).as("the serializer refuses a schema the registry refuses").isNotNull();
        assertThat(causes(failure)).anySatisfy(c -> assertThat(c).isInstanceOf(SerializationException.class)
                .hasMessageContaining(SUBJECT));
        assertThat(endOffsets(List.of(Topics.ORDER_PLACED.name()))).isEqualTo(before);
        assertThat(registryGet("/subjects/" + SUBJECT + "/versions").body()).isEqualTo(versionsBefore);

        // The build: SchemaCompatibilityTest's checker, as if each file replaced libs/schemas/src/main/avro/topics/OrderPlaced.avsc.
        var schemasModule = ProjectLayout.root().resolve(ProjectLayout.SCHEMAS);
        var refused = EvolutionBuildCheck.problemsIfReplaced(schemasModule, "topics/OrderPlaced.avsc", resource("OrderPlaced-v2-required-channel.avsc"));
        assertThat(refused).as("the build must fail on a field added without a default").singleElement().asString()
                .contains("topics/OrderPlaced.avsc", "READER_FIELD_MISSING_DEFAULT_VALUE", "channel");
        assertThat(EvolutionBuildCheck.problemsIfReplaced(schemasModule, "topics/OrderPlaced.avsc", resource("OrderPlaced-v2-gift-message.avsc")))
                .as("the defaulted v2 passes the build").isEmpty();
        System.out.printf("schema evolution: required-field v2 refused by the registry (%d: %s) and by the build (%s)%n",
                registration.statusCode(), registration.body(), refused.getFirst());
    }

    private static void cancel(String orderId, Map<String, String> orderBuyer, Map<String, String> tokens, List<String> cancelled) {
        var token = tokens.get(orderBuyer.get(orderId));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> orders.get("/orders/" + orderId, token).status() == 200);
        var shown = orders.get("/orders/" + orderId, token).body();
        assertThat(shown.get("status").asString()).as(orderId).isEqualTo("PLACED");
        var answer = orders.post("/orders/" + orderId + "/cancellations", token, "{\"reason\":\"CHANGED_MIND\",\"expectedVersion\":1}", Map.of());
        assertThat(answer.status()).as("cancel %s: %s", orderId, answer.body()).isEqualTo(200);
        assertThat(answer.body().get("status").asString()).isEqualTo("CANCELLED");
        cancelled.add(orderId);
    }

    private static Properties upstreamProps() {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
        props.put(RegistrySettings.URL, registry.ccompatUrl());
        return props;
    }

    /** A v2 .avsc of the test resources, parsed as the avro-maven-plugin would: the shared ItemCondition known by name. */
    private static Schema evolvedSchema(String name) throws IOException {
        var parser = new Schema.Parser();
        parser.parse(ItemCondition.getClassSchema().toString());
        try (InputStream in = Objects.requireNonNull(SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name), name)) {
            return parser.parse(in);
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(SchemaEvolutionTest.class.getResource("/evolution/" + name), name).toURI());
    }

    /** The schema id in the wire-format header of each of these orders on checkout.order-placed. */
    private static Map<String, Integer> schemaIdsByOrder(Set<String> orderIds) {
        var ids = new HashMap<String, Integer>();
        try (var consumer = new KafkaConsumer<String, byte[]>(consumerProps(ByteArrayDeserializer.class))) {
            var partitions = consumer.partitionsFor(Topics.ORDER_PLACED.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (orderIds.contains(record.key())) {
                        assertThat(record.value()[0]).isEqualTo((byte) 0);
                        ids.put(record.key(), ByteBuffer.wrap(record.value(), 1, 4).getInt());
                    }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            });
        }
        return ids;
    }

    /** CreditIssued records (read_committed) for this run's orders: how many per order, polled until {@code expected} orders and then some. */
    private static Map<String, Integer> creditsFor(String run, int expected) {
        var props = consumerProps(PoisonTolerantDeserializer.class);
        props.put(AvroDeserializer.SPECIFIC_READER, true);
        props.put(AvroDeserializer.VALUE_TYPE, CreditIssued.class.getName());
        props.put(RegistrySettings.URL, registry.ccompatUrl());
        var counts = new HashMap<String, Integer>();
        try (var consumer = new KafkaConsumer<String, CreditIssued>(props)) {
            consumer.subscribe(List.of(Topics.CREDIT_ISSUED.name()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null && record.value().getOrderId().startsWith("evo-" + run + "-")) {
                        counts.merge(record.value().getOrderId(), 1, Integer::sum);
                    }
                }
                return counts.size() >= expected;
            });
            // A duplicate would follow its original closely: keep reading a while longer.
            for (int i = 0; i < 10; i++) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null && record.value().getOrderId().startsWith("evo-" + run + "-")) {
                        counts.merge(record.value().getOrderId(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static Properties consumerProps(Class<?> valueDeserializer) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "schema-evolution-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer);
        return props;
    }

    /** End offsets (transaction markers included) of every partition of these topics. */
    private static Map<TopicPartition, Long> endOffsets(List<String> topics) {
        try (var consumer = new KafkaConsumer<String, byte[]>(consumerProps(ByteArrayDeserializer.class))) {
            var partitions = new ArrayList<TopicPartition>();
            for (var topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            return new HashMap<>(consumer.endOffsets(partitions));
        }
    }

    private static List<Throwable> causes(Throwable failure) {
        var chain = new ArrayList<Throwable>();
        var seen = new HashSet<Throwable>();
        for (var t = failure; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static HttpResponse<String> registryGet(String path) throws IOException, InterruptedException {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return response;
    }

    private static HttpResponse<String> registryPost(String path, Schema schema) throws IOException, InterruptedException {
        var body = ServiceProcess.JSON.createObjectNode().put("schema", schema.toString()).toString();
        return HTTP.send(HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + path))
                        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
