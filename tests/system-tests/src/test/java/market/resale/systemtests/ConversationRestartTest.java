package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import market.resale.messaging.MessagingApplication;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A conversation and an inbox survive the instance that kept them: a fresh messaging-service
 * instance (empty state directory) restores both from Kafka and shows the same messages, in the
 * same order, with the same times, and the same notifications with their read state.
 */
class ConversationRestartTest {

    @Test
    void aFreshInstanceShowsTheSameConversationAndInbox() throws Exception {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        var run = UUID.randomUUID().toString().substring(0, 8);
        var buyer = "buyer-" + run;
        var seller = "seller-" + run;
        var orderId = "o-" + run;
        var conversation = "/orders/" + orderId + "/conversation";

        JsonNode before;
        JsonNode inboxBefore;
        var first = ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging-a", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        try (var producer = Upstream.<OrderPlaced>producer(kafka.bootstrapServers(), registry.ccompatUrl())) {
            await().atMost(Duration.ofSeconds(90)).until(first::ready);
            producer.send(new ProducerRecord<>(Topics.ORDER_PLACED.name(), orderId, order(orderId, buyer, seller))).get();
            var buyerToken = first.token(buyer, "BUYER");
            var sellerToken = first.token(seller, "SELLER");
            await().atMost(Duration.ofSeconds(30)).until(() -> first.get(conversation, buyerToken).status() == 200);

            for (var said : new String[][] {{buyerToken, "Is it the blue one?"}, {sellerToken, "Yes, navy blue."},
                    {buyerToken, "Great, thanks!"}}) {
                assertThat(first.post(conversation + "/messages", said[0], "{\"text\":\"" + said[1] + "\"}", Map.of()).status())
                        .isEqualTo(201);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> first.get("/notifications", sellerToken).body()
                    .get("notifications").size() == 2);
            var firstNotification = first.get("/notifications", sellerToken).body().at("/notifications/0/notificationId").asString();
            assertThat(first.post("/notifications/" + firstNotification + "/read", sellerToken, "{}", Map.of()).status())
                    .isEqualTo(200);
            before = first.get(conversation, sellerToken).body();
            await().atMost(Duration.ofSeconds(30)).until(() -> first.get("/notifications", sellerToken).body()
                    .get("unreadCount").asLong() == 1);
            inboxBefore = first.get("/notifications", sellerToken).body();
        } finally {
            first.close();
        }

        var second = ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging-b", kafka.bootstrapServers(),
                registry.ccompatUrl(), Map.of());
        try {
            await().atMost(Duration.ofSeconds(90)).until(second::ready);
            var sellerToken = second.token(seller, "SELLER");
            var after = new JsonNode[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var response = second.get(conversation, sellerToken);
                after[0] = response.body();
                return response.status() == 200;
            });

            assertThat(after[0].get("messages")).isEqualTo(before.get("messages"));
            assertThat(after[0].get("messages")).extracting(m -> m.get("seq").asLong()).containsExactly(1L, 2L, 3L);
            assertThat(second.get("/notifications", sellerToken).body()).isEqualTo(inboxBefore);
            assertThat(second.get(conversation, second.token("stranger-" + run, "BUYER")).status()).isEqualTo(404);
        } finally {
            second.close();
        }
    }

    private static OrderPlaced order(String orderId, String buyer, String seller) {
        return OrderPlaced.newBuilder().setOrderId(orderId).setBuyerId(buyer).setSellerId(seller)
                .setListingId("l-" + orderId).setTitle("Navy blazer").setSize("M").setCondition(ItemCondition.GOOD)
                .setPriceCents(4_000).setShippingCents(600).setTaxCents(300).setCreditsAppliedCents(0)
                .setCurrency("USD").setPlacedAt(Instant.now()).build();
    }
}
