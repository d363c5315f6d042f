package market.resale.messaging.web;

import static market.resale.messaging.MessagingMother.BUYER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.Optional;
import market.resale.messaging.MessagingMother;
import market.resale.platform.ManualClock;
import market.resale.messaging.domain.InboxSummary;
import market.resale.messaging.stream.MessagingTopology;
import market.resale.messaging.stream.NotificationFeed;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.web.Forwarder;
import market.resale.platform.web.OwnerRouting;
import market.resale.platform.web.ProblemHandling;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.NotificationKind;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The caller's own notifications only, and the live stream as server-sent events. */
class NotificationsControllerTest {

    private static final Instant NOW = MessagingMother.WINDOW_CLOSED_AT;

    private KeyOwnerRouter router;
    private NotificationFeed feed;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        router = mock(KeyOwnerRouter.class);
        feed = mock(NotificationFeed.class);
        when(router.remoteOwner(anyString(), anyString())).thenReturn(Optional.empty());
        ReadOnlyKeyValueStore<String, String> index = mock(ReadOnlyKeyValueStore.class);
        ReadOnlyKeyValueStore<String, InboxSummary> summaries = mock(ReadOnlyKeyValueStore.class);
        when(router.<String>localStore(MessagingTopology.INBOX_INDEX_STORE)).thenReturn(index);
        when(router.<InboxSummary>localStore(MessagingTopology.INBOX_SUMMARIES_STORE)).thenReturn(summaries);
    }

    private WebTestClient client(String userId) {
        WebFilter authenticated = (exchange, chain) -> chain.filter(exchange.mutate()
                .principal(Mono.just(new TestingAuthenticationToken(userId, null, "ROLE_BUYER"))).build());
        var controller = new NotificationsController(router, new OwnerRouting(router, mock(Forwarder.class)),
                mock(EventPublisher.class), feed, MessagingMother.settings(), new ManualClock(NOW),
                new market.resale.platform.web.CommandFlow(market.resale.platform.kafka.CommitWatch.PROCESSED_IS_COMMITTED));
        return WebTestClient.bindToController(controller).controllerAdvice(new ProblemHandling()).webFilter(authenticated).build();
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
