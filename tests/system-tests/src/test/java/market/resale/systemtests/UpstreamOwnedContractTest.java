package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import market.resale.messaging.MessagingApplication;
import market.resale.orders.OrdersApplication;
import market.resale.platform.kafka.DeadLetters;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, point 0, the way production runs: on a fresh broker and a fresh Apicurio Registry the upstream checkout app
 * owns {@code checkout.order-placed-value} and registers its own schema there first, with its own serializer (Apicurio's,
 * which registers the nested enum as a schema of its own that the top-level one references): another namespace and an
 * extra field. It then publishes placements that fail validation (a negative price, a bad currency, a key that differs
 * from the order id, a key that is not UTF-8), then a valid one. Every service that reads the topic dead-letters the
 * bad ones exactly as they arrived (key and value bytes, the upstream's headers) with the reason, registers nothing under
 * the contract's subject, stays ready with no stream thread failing, and shows the valid order placed afterwards.
 */
class UpstreamOwnedContractTest {

    private static final String SUBJECT = Topics.ORDER_PLACED.name() + "-value";
    private static final Schema UPSTREAM_SCHEMA = market.resale.schemas.UpstreamSchemas.ORDER_PLACED;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The carrier integration's own schema: its namespace, a scan type newer than the services. */
    private static final Schema CARRIER_SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "CarrierScan", "namespace": "com.carrier.events", "fields": [
              {"name": "scanId", "type": "string"}, {"name": "orderId", "type": "string"},
              {"name": "trackingNumber", "type": "string"}, {"name": "carrier", "type": "string"},
              {"name": "scanType", "type": {"type": "enum", "name": "ScanType", "symbols": ["LABEL_CREATED", "ACCEPTED",
                "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED", "RETURNED_TO_SENDER", "HELD_AT_CUSTOMS"]}},
              {"name": "scannedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}""");
    /** The reviews app's own schema (rule 15's contract): its namespace and a field of its own, with a default. */
    private static final Schema REVIEWS_SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "OrderRated", "namespace": "com.reviews.events", "fields": [
              {"name": "ratingId", "type": "string"}, {"name": "orderId", "type": "string"},
              {"name": "buyerId", "type": "string"}, {"name": "sellerId", "type": "string"},
              {"name": "stars", "type": "int"}, {"name": "comment", "type": ["null", "string"], "default": null},
              {"name": "ratedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "channel", "type": "string", "default": "app"}]}""");

    private static KafkaSeam kafka;
    private static ApicurioRegistry registry;
    private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private static AvroKafkaSerializer<GenericRecord> upstreamSerializer;
    private static final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void freshStackWhereTheUpstreamRegisteredFirst() {
        kafka = KafkaSeam.start();
        registry = ApicurioRegistry.start();
        upstreamSerializer = new AvroKafkaSerializer<>();
        upstreamSerializer.configure(upstreamSerializerConfig(), false);
        // The upstream's first placement registers its schema (and the enum it references) before any service runs.
        upstreamSerializer.serialize(Topics.ORDER_PLACED.name(), order("first-" + run, 1_000, "USD"));
        assertThat(registryGet("/subjects/" + SUBJECT + "/versions").body()).isEqualTo("[1]");

        for (var application : List.of(OrdersApplication.class, ShippingApplication.class, MessagingApplication.class,
                SupportApplication.class)) {
            var name = application.getSimpleName().replace("Application", "").toLowerCase();
            services.put(name + "-service", ServiceProcess.start(application, name + "-service", name, kafka.bootstrapServers(),
                    registry.ccompatUrl(), Map.of()));
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> services.values().stream().allMatch(ServiceProcess::ready));
    }

    @AfterAll
    static void stopEverything() {
        services.values().forEach(ServiceProcess::close);
        if (upstreamSerializer != null) {
            upstreamSerializer.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void invalidPlacementsAreDeadLetteredAsTheyArrivedAndNothingStops() throws Exception {
        var negative = bytes("neg-" + run, order("neg-" + run, -100, "USD"));
        var badCurrency = bytes("cur-" + run, order("cur-" + run, 1_000, "dollars"));
        var otherKey = bytes("key-" + run, order("other-" + run, 1_000, "USD"));
        var notUtf8Key = new Sent(new byte[] {(byte) 0xff, (byte) 0xfe, 0x41}, upstreamSerializer.serialize(Topics.ORDER_PLACED.name(),
                order("bin-" + run, 1_000, "USD")));
        var after = "after-" + run;
        try (var producer = new KafkaProducer<byte[], byte[]>(producerProps())) {
            for (var sent : List.of(negative, badCurrency, otherKey, notUtf8Key, bytes(after, order(after, 2_500, "USD")))) {
                var headers = new RecordHeaders().add("x-upstream", "checkout".getBytes(StandardCharsets.UTF_8))
                        .add("x-upstream-event", sent.key);
                producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), null, sent.key, sent.value, headers)).get();
            }
        }

        // Every service that reads the topic goes on: the order placed after the bad ones shows everywhere.
        var buyerToken = services.get("orders-service").token("buyer-" + run, "BUYER");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(services.get("orders-service").get("/orders/" + after, buyerToken).status()).as("orders").isEqualTo(200);
            assertThat(services.get("shipping-service").get("/orders/" + after + "/shipment", buyerToken).status()).as("shipping")
                    .isEqualTo(200);
            assertThat(services.get("messaging-service").get("/orders/" + after + "/conversation", buyerToken).status())
                    .as("messaging").isEqualTo(200);
        });
        var opened = services.get("support-service").post("/cases", buyerToken, "{\"orderId\":\"" + after
                + "\",\"type\":\"COMPLAINT\",\"description\":\"The coat arrived torn.\"}", Map.of());
        assertThat(opened.status()).as(String.valueOf(opened.body())).isEqualTo(201);

        // Each bad placement is in the dead-letter topics of the services that refuse it, exactly as it arrived.
        var expected = Map.of(
                "orders-service", List.of(negative, badCurrency, otherKey, notUtf8Key),
                "shipping-service", List.of(otherKey, notUtf8Key),
                "messaging-service", List.of(otherKey, notUtf8Key),
                "support-service", List.of(otherKey, notUtf8Key));
        for (var entry : expected.entrySet()) {
            // This test's bad placements only (the other test's records are checked there).
            java.util.function.Predicate<ConsumerRecord<byte[], byte[]>> ours = r -> List.of(negative, badCurrency, otherKey, notUtf8Key)
                    .stream().anyMatch(sent -> java.util.Arrays.equals(sent.key, r.key()));
            var deadLetters = await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters(entry.getKey()).stream().filter(ours).toList(),
                    found -> found.size() >= entry.getValue().size());
            assertThat(deadLetters).as(entry.getKey()).hasSize(entry.getValue().size());
            for (var sent : entry.getValue()) {
                var dead = deadLetters.stream().filter(r -> java.util.Arrays.equals(r.key(), sent.key)).findFirst()
                        .orElseThrow(() -> new AssertionError(entry.getKey() + " did not dead-letter " + new String(sent.key,
                                StandardCharsets.UTF_8)));
                assertThat(dead.value()).as(entry.getKey()).isEqualTo(sent.value);
                assertThat(DeadLetters.header(dead.headers(), "x-upstream")).isEqualTo("checkout");
                assertThat(dead.headers().lastHeader("x-upstream-event").value()).isEqualTo(sent.key);
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.ORDER_PLACED.name());
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.APPLICATION)).isEqualTo(entry.getKey());
                assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON))
                        .isEqualTo(sent == notUtf8Key ? DeadLetters.NOT_DESERIALIZABLE : DeadLetters.INVALID);
            }
        }

        // Nobody but the upstream wrote under the contract's subject; every service is ready and no stream thread failed.
        assertOnlyTheUpstreamRegistered(SUBJECT);
        for (var service : services.entrySet()) {
            assertThat(service.getValue().ready()).as(service.getKey()).isTrue();
            assertThat(service.getValue().getText("/actuator/prometheus")).as(service.getKey())
                    .contains("kafka_streams_thread_failures_total{");
            assertThat(metric(service.getKey(), "kafka_streams_thread_failures_total", "")).as(service.getKey() + " stream thread failures")
                    .isZero();
        }
    }

    /**
     * Issue 16, point 5: the upstreams evolve the contract's enums (BACKWARD: a symbol added), registered by their own
     * serializer: an order whose condition is newer than the services is taken (condition UNKNOWN), a scan whose type is
     * newer is read, kept on the shipment's timeline and counted, and changes neither the shipment's nor the order's
     * state. Nothing of it is dead-lettered.
     */
    @Test
    void newEnumSymbolsFromTheUpstreamsAreReadRecordedAndCounted() throws Exception {
        var evolvedOrder = new Schema.Parser().parse(UPSTREAM_SCHEMA.toString().replace("\"FAIR\"]", "\"FAIR\",\"LIKE_NEW\"]"));
        var orderId = "evolved-" + run;
        GenericRecord order = new GenericData.Record(evolvedOrder);
        var template = order(orderId, 1_500, "USD");
        for (var field : evolvedOrder.getFields()) {
            order.put(field.name(), field.name().equals("condition")
                    ? new GenericData.EnumSymbol(field.schema(), "LIKE_NEW") : template.get(field.name()));
        }
        var scan = carrierScan("customs-" + run, orderId, "1Z-" + run, "HELD_AT_CUSTOMS");
        try (var producer = new KafkaProducer<byte[], byte[]>(producerProps())) {
            var key = orderId.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), key, upstreamSerializer.serialize(Topics.ORDER_PLACED.name(), order))).get();
            producer.send(new ProducerRecord<>(Topics.CARRIER_SCANS.name(), key, upstreamSerializer.serialize(Topics.CARRIER_SCANS.name(), scan))).get();
        }

        var buyerToken = services.get("orders-service").token("buyer-" + run, "BUYER");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            var placed = services.get("orders-service").get("/orders/" + orderId, buyerToken);
            assertThat(placed.status()).isEqualTo(200);
            assertThat(placed.body().at("/item/condition").asString()).isEqualTo("UNKNOWN");
            assertThat(placed.body().get("status").asString()).isEqualTo("PLACED");
            var shipment = services.get("shipping-service").get("/orders/" + orderId + "/shipment", buyerToken);
            assertThat(shipment.status()).isEqualTo(200);
            assertThat(shipment.body().at("/scans/0/scanType").asString()).isEqualTo("UNKNOWN");
            assertThat(shipment.body().at("/scans/0/scanId").asString()).isEqualTo("customs-" + run);
            assertThat(shipment.body().get("status").asString()).isEqualTo("AWAITING_LABEL");
        });
        assertThat(metric("orders-service", "contract_unknown_symbols_total", "field=\"condition\"")).isGreaterThanOrEqualTo(1);
        assertThat(metric("shipping-service", "contract_unknown_symbols_total", "field=\"scanType\"")).isGreaterThanOrEqualTo(1);
        for (var service : List.of("orders-service", "shipping-service", "messaging-service", "support-service")) {
            assertThat(deadLetters(service)).as(service).noneMatch(r -> java.util.Arrays.equals(r.key(),
                    orderId.getBytes(StandardCharsets.UTF_8)));
        }
        assertOnlyTheUpstreamRegistered(SUBJECT);
        assertOnlyTheUpstreamRegistered(Topics.CARRIER_SCANS.name() + "-value");
    }

    /**
     * Rule 15's contract addition, the way production runs: the reviews app registers its own {@code OrderRated} (its
     * namespace, a field of its own) with its own serializer. A rating of a shipped order reaches the order and the
     * seller's signals; one with stars out of range is dead-lettered as it arrived, and nothing stops.
     */
    @Test
    void theReviewsAppsOwnRatingsReachTheSellersSignalsAndABadOneIsDeadLettered() throws Exception {
        var orderId = "rated-" + run;
        var key = orderId.getBytes(StandardCharsets.UTF_8);
        var scan = carrierScan("accepted-" + run, orderId, "1Z-R-" + run, "ACCEPTED");
        try (var producer = new KafkaProducer<byte[], byte[]>(producerProps())) {
            producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), key, upstreamSerializer.serialize(Topics.ORDER_PLACED.name(),
                    order(orderId, 1_800, "USD")))).get();
            producer.send(new ProducerRecord<>(Topics.CARRIER_SCANS.name(), key, upstreamSerializer.serialize(Topics.CARRIER_SCANS.name(),
                    scan))).get();
        }
        var buyerToken = services.get("orders-service").token("buyer-" + run, "BUYER");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var order = services.get("orders-service").get("/orders/" + orderId, buyerToken);
            return order.status() == 200 && "SHIPPED".equals(order.body().get("status").asString());
        });

        var bad = upstreamSerializer.serialize(Topics.ORDER_RATED.name(), rating("bad-" + run, orderId, 9));
        try (var producer = new KafkaProducer<byte[], byte[]>(producerProps())) {
            producer.send(new ProducerRecord<>(Topics.ORDER_RATED.name(), key, bad)).get();
            producer.send(new ProducerRecord<>(Topics.ORDER_RATED.name(), key,
                    upstreamSerializer.serialize(Topics.ORDER_RATED.name(), rating("good-" + run, orderId, 4)))).get();
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            var order = services.get("orders-service").get("/orders/" + orderId, buyerToken).body();
            assertThat(order.at("/rating/stars").asInt()).isEqualTo(4);
            assertThat(order.at("/sellerSignals/averageRating").asDouble()).isEqualTo(4.0);
            assertThat(order.at("/sellerSignals/ratingCount").asInt()).isEqualTo(1);
        });
        var signals = services.get("orders-service").get("/sellers/seller-" + run + "/signals", buyerToken).body();
        assertThat(signals.get("averageRating").asDouble()).isEqualTo(4.0);
        var dead = deadLetters("orders-service").stream().filter(r -> java.util.Arrays.equals(r.value(), bad)).toList();
        assertThat(dead).hasSize(1);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON)).isEqualTo(DeadLetters.INVALID);
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.DETAIL)).contains("stars must be 1 to 5");
        assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.ORDER_RATED.name());
        assertOnlyTheUpstreamRegistered(Topics.ORDER_RATED.name() + "-value");
        assertThat(services.get("orders-service").ready()).isTrue();
    }

    /** A scan in the carrier integration's own schema. */
    private static GenericRecord carrierScan(String scanId, String orderId, String trackingNumber, String scanType) {
        GenericRecord scan = new GenericData.Record(CARRIER_SCHEMA);
        scan.put("scanId", scanId);
        scan.put("orderId", orderId);
        scan.put("trackingNumber", trackingNumber);
        scan.put("carrier", "UPS");
        scan.put("scanType", new GenericData.EnumSymbol(CARRIER_SCHEMA.getField("scanType").schema(), scanType));
        scan.put("scannedAt", Instant.now().toEpochMilli());
        return scan;
    }

    private static GenericRecord rating(String ratingId, String orderId, int stars) {
        GenericRecord rating = new GenericData.Record(REVIEWS_SCHEMA);
        rating.put("ratingId", ratingId);
        rating.put("orderId", orderId);
        rating.put("buyerId", "buyer-" + run);
        rating.put("sellerId", "seller-" + run);
        rating.put("stars", stars);
        rating.put("comment", "As described");
        rating.put("ratedAt", Instant.now().toEpochMilli());
        rating.put("channel", "web");
        return rating;
    }

    /** Every version under the contract's subject is the upstream's own schema: no service registered one there. */
    private static void assertOnlyTheUpstreamRegistered(String subject) throws Exception {
        var versions = ServiceProcess.JSON.readTree(registryGet("/subjects/" + subject + "/versions").body());
        assertThat(versions.size()).as(subject + " versions").isPositive();
        for (var version : versions) {
            assertThat(registryGet("/subjects/" + subject + "/versions/" + version.asInt()).body()).as(subject + " v" + version)
                    .contains("\"com.").doesNotContain("market.resale");
        }
    }

    private static double metric(String service, String name, String label) {
        return services.get(service).getText("/actuator/prometheus").lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private record Sent(byte[] key, byte[] value) {
    }

    private static Sent bytes(String key, GenericRecord order) {
        return new Sent(key.getBytes(StandardCharsets.UTF_8), upstreamSerializer.serialize(Topics.ORDER_PLACED.name(), order));
    }

    private static GenericRecord order(String orderId, long priceCents, String currency) {
        return market.resale.schemas.UpstreamSchemas.orderPlaced(UPSTREAM_SCHEMA, orderId, "buyer-" + run, "seller-" + run, priceCents,
                currency, Instant.now());
    }

    /** The upstream's serializer as an Apicurio user sets it up: auto-registration, nested types as references. */
    private static Map<String, Object> upstreamSerializerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaResolverConfig.REGISTRY_URL, registry.nativeUrl());
        config.put(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, true);
        config.put(SchemaResolverConfig.ARTIFACT_RESOLVER_STRATEGY, io.apicurio.registry.serde.strategy.TopicIdStrategy.class.getName());
        config.put(KafkaSerdeConfig.ENABLE_HEADERS, false);
        config.put(SerdeConfig.ID_HANDLER, io.apicurio.registry.serde.Default4ByteIdHandler.class.getName());
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(SchemaResolverConfig.DEREFERENCE_SCHEMA, false);
        return config;
    }

    private static Properties producerProps() {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /** Everything on the application's dead-letter topic so far, committed only, in order. */
    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(String application) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var topic = Topic.deadLetterTopic(application);
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            var records = new ArrayList<ConsumerRecord<byte[], byte[]>>();
            var deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static HttpResponse<String> registryGet(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
