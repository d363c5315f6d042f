package market.resale.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import market.resale.messaging.stream.NotificationFeed;
import market.resale.schemas.RecordMother;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.serde.AvroSerializer;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import market.resale.testsupport.TokenIssuer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two replicas of the service as it runs for real (local profile, own ports and state), on a real
 * broker and the real Apicurio Registry: a buyer writes through one replica while the seller's live
 * stream is open on the other, and the seller's inbox has it whichever replica is asked.
 */
class MessagingServiceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;
    private static KafkaProducer<String, SpecificRecord> upstream;

    @BeforeAll
    static void start() throws Exception {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        one = replica("messaging-1", kafka.bootstrapServers(), registry.ccompatUrl());
        two = replica("messaging-2", kafka.bootstrapServers(), registry.ccompatUrl());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> ready(one) && ready(two));
        assertThat(two.getBean(NotificationFeed.class).awaitLive(Duration.ofSeconds(30))).isTrue();
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
        props.put(RegistrySettings.URL, registry.ccompatUrl());
        upstream = new KafkaProducer<>(props);
    }

    @AfterAll
    static void stop() {
        for (var closeable : new AutoCloseable[] {upstream, two, one}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    private static ConfigurableApplicationContext replica(String name, String bootstrapServers, String registryUrl) throws Exception {
        var properties = new HashMap<String, Object>();
        properties.put("spring.config.name", "messaging-service");
        properties.put("spring.profiles.active", "local");
        properties.put("server.port", 0);
        properties.put("server.address", "127.0.0.1");
        properties.put("app.kafka.bootstrap-servers", bootstrapServers);
        properties.put("app.kafka.registry-url", registryUrl);
        properties.put("app.kafka.state-dir", Files.createTempDirectory("state-" + name).toString());
        properties.put("app.kafka.create-topics", true);
        properties.put("app.kafka.commit-interval", "50ms");
        properties.put("app.kafka.client[session.timeout.ms]", "6000");
        properties.put("app.kafka.client[heartbeat.interval.ms]", "1000");
        properties.put("app.messaging.stream-heartbeat", "1s");
        properties.putAll(TokenIssuer.shared().serviceProperties());
        var args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        return new SpringApplicationBuilder(MessagingApplication.class).run(args);
    }

    private static String url(ConfigurableApplicationContext replica, String path) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) replica).getWebServer().getPort() + path;
    }

    private static boolean ready(ConfigurableApplicationContext replica) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(replica, "/actuator/health/readiness"))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static String token(String userId, String role) {
        return TokenIssuer.shared().token(userId, role);
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer call(String method, String url, String token, String json) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
    }

    @Test
    void aMessageWrittenOnOneReplicaReachesTheSellersLiveStreamOnTheOtherAndTheirInbox() throws Exception {
        // Given an order whose buyer window has expired, and the seller's live stream open on replica two
        var orderId = "o-" + UUID.randomUUID();
        var buyer = "buyer-" + UUID.randomUUID().toString().substring(0, 8);
        var seller = "seller-" + UUID.randomUUID().toString().substring(0, 8);
        upstream.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId,
                RecordMother.orderPlaced(orderId).setBuyerId(buyer).setSellerId(seller).build())).get();
        upstream.send(new ProducerRecord<>(Topics.WINDOW_CLOSED.name(), orderId,
                RecordMother.cancellationWindowClosed().setOrderId(orderId).setBuyerId(buyer).build())).get();
        var buyerToken = token(buyer, "BUYER");
        var sellerToken = token(seller, "SELLER");
        BlockingQueue<String> live = new LinkedBlockingQueue<>();
        var stream = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url(two, "/notifications/stream")))
                        .header("Authorization", "Bearer " + sellerToken).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        var lines = stream.get(30, TimeUnit.SECONDS);
        assertThat(lines.statusCode()).isEqualTo(200);
        Thread.ofVirtual().start(() -> lines.body().forEach(live::add));
        assertThat(live.poll(30, TimeUnit.SECONDS)).isEqualTo(":connected");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> call("GET", url(one, "/orders/" + orderId + "/conversation"), buyerToken, null).status() == 200);

        // When the buyer writes through replica one
        var posted = call("POST", url(one, "/orders/" + orderId + "/conversation/messages"), buyerToken,
                "{\"text\":\"Is it still available?\"}");

        // Then it is message 1, the seller's stream on replica two shows it, and the seller's inbox has it
        assertThat(posted.status()).isEqualTo(201);
        assertThat(posted.body().get("seq").asLong()).isEqualTo(1);
        String event;
        do {
            event = live.poll(30, TimeUnit.SECONDS);
        } while (event != null && !event.startsWith("data:"));
        assertThat(event).contains("\"kind\":\"NEW_MESSAGE\"", orderId);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var inbox = call("GET", url(two, "/notifications?unread=true"), sellerToken, null);
            assertThat(inbox.status()).isEqualTo(200);
            assertThat(inbox.body().get("unreadCount").asLong()).isEqualTo(1);
        });

        // And a cancellation request, made through the other replica, is in the conversation whichever replica is asked
        var asked = call("POST", url(two, "/orders/" + orderId + "/cancellation-requests"), buyerToken,
                "{\"reason\":\"CHANGED_MIND\",\"note\":\"sorry\"}");
        assertThat(asked.status()).isEqualTo(201);
        assertThat(asked.body().get("status").asString()).isEqualTo("PENDING");
        var conversation = call("GET", url(one, "/orders/" + orderId + "/conversation"), sellerToken, null);
        assertThat(conversation.body().get("messages").size()).isEqualTo(2);
        stream.cancel(true);
    }
}
