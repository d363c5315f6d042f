package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.topics.Topics;
import market.resale.support.SupportApplication;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A file attached to a support case survives the instance that took it: support-service keeps
 * files in a state store whose changelog is in Kafka, so a fresh instance (empty state directory)
 * restores it and serves the same bytes with the same SHA-256. Size and type limits are answered
 * as problems before anything is stored.
 */
class SupportEvidenceRestartTest {

    /** A 1x1 PNG: signature, IHDR, IDAT, IEND. */
    private static final byte[] PNG = HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
            + "0000000d4944415478da63f8cfc0f01f0005000201a7a1e5bb0000000049454e44ae426082");

    @Test
    void anAttachedScreenshotIsServedByteForByteByAFreshInstanceAfterARestart() throws Exception {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        var run = UUID.randomUUID().toString().substring(0, 8);
        var buyer = "buyer-" + run;
        var orderId = "o-" + run;
        // A screenshot of a few hundred KiB: larger than a default Kafka record batch, smaller than the 4 MiB limit.
        var screenshot = Arrays.copyOf(PNG, 700_000);

        var first = ServiceProcess.start(SupportApplication.class, "support-service", "support-a", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        String caseId;
        String filePath;
        try (var producer = Upstream.<OrderPlaced>producer(kafka.bootstrapServers(), registry.ccompatUrl())) {
            await().atMost(Duration.ofSeconds(90)).until(first::ready);
            producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order(orderId, buyer))).get();

            var token = first.token(buyer, "BUYER");
            var body = "{\"orderId\":\"" + orderId + "\",\"type\":\"CANCELLATION_REQUEST\","
                    + "\"description\":\"The seller sent a different item\"}";
            var opened = new ServiceProcess.Response[1];
            // Until the order is known the answer is 404; the same Idempotency-Key makes the retries one request.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                opened[0] = first.post("/cases", token, body, Map.of("Idempotency-Key", "open-" + run));
                return opened[0].status() == 201 || opened[0].status() == 200;
            });
            caseId = opened[0].body().get("caseId").asString();
            assertThat(caseId).isEqualTo(orderId + ":CR1");
            assertThat(opened[0].body().get("status").asString()).isEqualTo("OPEN");

            var attached = first.postBytes("/cases/" + caseId + "/evidence/files?name=screenshot.png", token, "image/png",
                    screenshot);
            assertThat(attached.status()).as("%s", attached.body()).isEqualTo(201);
            assertThat(attached.body().at("/file/sha256").asString()).isEqualTo(sha256(screenshot));
            assertThat(attached.body().at("/file/size").asLong()).isEqualTo(screenshot.length);
            filePath = attached.body().at("/file/url").asString();

            var served = first.getBytes(filePath, token);
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(screenshot);

            var tooLarge = first.postBytes("/cases/" + caseId + "/evidence/files", token, "image/png",
                    Arrays.copyOf(PNG, 4 * 1024 * 1024 + 1));
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.contentType()).startsWith("application/problem+json");
            assertThat(tooLarge.body().get("code").asString()).isEqualTo("file-too-large");

            var notAllowed = first.postBytes("/cases/" + caseId + "/evidence/files", token, "application/zip",
                    new byte[] {'P', 'K', 3, 4});
            assertThat(notAllowed.status()).isEqualTo(415);
            assertThat(notAllowed.body().get("code").asString()).isEqualTo("file-type-not-allowed");

            var disguised = first.postBytes("/cases/" + caseId + "/evidence/files", token, "image/png",
                    "<script>alert(1)</script>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(disguised.status()).isEqualTo(415);
            assertThat(disguised.body().get("code").asString()).isEqualTo("file-type-not-allowed");
        } finally {
            first.close();
        }

        // A fresh instance: a new, empty state directory, so everything it serves comes back from Kafka.
        var second = ServiceProcess.start(SupportApplication.class, "support-service", "support-b", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        try {
            await().atMost(Duration.ofSeconds(90)).until(second::ready);
            var token = second.token(buyer, "BUYER");
            var served = new ServiceProcess.Bytes[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                served[0] = second.getBytes(filePath, token);
                return served[0].status() == 200;
            });
            assertThat(served[0].body()).isEqualTo(screenshot);
            assertThat(served[0].contentType()).isEqualTo("image/png");
            assertThat(served[0].headers().firstValue("X-Content-SHA256")).contains(sha256(screenshot));
            assertThat(served[0].headers().firstValue("ETag")).contains("\"" + sha256(screenshot) + "\"");

            var stranger = second.getBytes(filePath, second.token("buyer-other-" + run, "BUYER"));
            assertThat(stranger.status()).isEqualTo(404);

            var kase = second.get("/cases/" + caseId, token).body();
            assertThat(kase.at("/evidence/0/file/sha256").asString()).isEqualTo(sha256(screenshot));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(second.get("/cases", token).body().at("/cases/0/caseId").asString()).isEqualTo(caseId));
            assertThat(second.getText("/actuator/prometheus")).contains("cases_open{").contains("application=\"support-service\"");
        } finally {
            second.close();
        }
    }

    private static OrderPlaced order(String orderId, String buyer) {
        return OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(buyer).setSellerId("seller-" + buyer)
                .setListingId("l-" + orderId).setTitle("Wool coat").setSize("S").setCondition(ItemCondition.GOOD)
                .setPriceCents(5_000).setShippingCents(600).setTaxCents(400).setCreditsAppliedCents(0)
                .setCurrency("USD").setPlacedAt(Instant.now()).build();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
