package market.resale.messaging.web;

import market.resale.platform.web.ControllerHarness;
import static market.resale.messaging.MessagingMother.BUYER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import market.resale.messaging.MessagingMother;
import market.resale.platform.ManualClock;
import market.resale.messaging.stream.MessagingTopology;
import market.resale.messaging.stream.NotificationFeed;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.NotificationKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** The caller's own notifications only, and the live stream as server-sent events. */
class NotificationsControllerTest {

    private static final Instant NOW = MessagingMother.WINDOW_CLOSED_AT;

    private final ControllerHarness harness = new ControllerHarness();
    private NotificationFeed feed;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        feed = mock(NotificationFeed.class);
        harness.store(MessagingTopology.INBOX_INDEX_STORE);
        harness.store(MessagingTopology.INBOX_SUMMARIES_STORE);
    }

    private WebTestClient client(String userId) {
        var controller = new NotificationsController(harness.router, harness.routing(), harness.publisher, feed, MessagingMother.settings(), new ManualClock(NOW),
                new market.resale.platform.web.CommandFlow(market.resale.platform.kafka.CommitWatch.PROCESSED_IS_COMMITTED));
        return ControllerHarness.client(userId, "BUYER", controller);
    }

    @Test
    void aNotificationThatIsNotTheCallersIsNotFound() {
        client(BUYER).post().uri("/notifications/n-someone-elses/read").exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not-found");
    }

    @Test
    void theLiveStreamSendsTheCallersNotificationsAsServerSentEvents() {
        when(feed.live(BUYER)).thenReturn(Flux.just(Notification.newBuilder().setNotificationId("n-1").setUserId(BUYER)
                .setKind(NotificationKind.CREDIT_ISSUED).setOrderId("o-1").setTitle("61.57 USD store credit issued")
                .setBody("For cancelled order o-1.").setAmountCents(6157L).setCurrency("USD").setCreatedAt(NOW).build()));

        var body = client(BUYER).get().uri("/notifications/stream").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains(":connected", "id:n-1", "event:notification", "\"kind\":\"CREDIT_ISSUED\"",
                "\"amountCents\":6157", "\"read\":false");
    }
}
