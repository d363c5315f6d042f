package market.resale.messaging.stream;

import static market.resale.messaging.MessagingMother.BUYER;
import static market.resale.messaging.MessagingMother.SELLER;
import static market.resale.messaging.MessagingMother.WINDOW_CLOSED_AT;
import static market.resale.messaging.MessagingMother.caseEvent;
import static market.resale.messaging.MessagingMother.creditIssued;
import static market.resale.messaging.MessagingMother.markAllRead;
import static market.resale.messaging.MessagingMother.markRead;
import static market.resale.messaging.MessagingMother.placed;
import static market.resale.messaging.MessagingMother.windowClosing;
import static market.resale.messaging.MessagingMother.windowExpired;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import market.resale.messaging.MessagingMother;
import market.resale.messaging.domain.Ids;
import market.resale.messaging.domain.InboxEntry;
import market.resale.messaging.domain.InboxSummary;
import market.resale.messaging.web.NotificationsController;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.web.Forwarder;
import market.resale.platform.web.OwnerRouting;
import market.resale.platform.web.ProblemHandling;
import market.resale.schemas.RecordMother;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.messaging.NotificationKind;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.RejectionCode;
import market.resale.schemas.support.CaseAction;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/** Rule 10: each party hears of every step that concerns them, once, in an inbox they can read and mark. */
class NotificationsTopologyTest {

    private MessagingHarness harness;

    @BeforeEach
    void start() {
        harness = new MessagingHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theBuyerIsRemindedBeforeTheirWindowClosesAndToldWhenItClosed() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.windowClosing.pipeInput("o-1", windowClosing("o-1").build());
        harness.windowClosed.pipeInput("o-1", windowExpired("o-1").build());

        assertThat(harness.notifications.readKeyValuesToList()).containsExactly(
                KeyValue.pair(BUYER, Notification.newBuilder()
                        .setNotificationId(Ids.notificationId("window-closing", "o-1", BUYER)).setUserId(BUYER)
                        .setKind(NotificationKind.WINDOW_CLOSING).setOrderId("o-1")
                        .setTitle("Last chance to cancel order o-1 yourself")
                        .setBody("You can cancel it yourself until " + WINDOW_CLOSED_AT + "; after that, only the seller can.")
                        .setCreatedAt(WINDOW_CLOSED_AT.minus(Duration.ofMinutes(30))).build()),
                KeyValue.pair(BUYER, Notification.newBuilder()
                        .setNotificationId(Ids.notificationId("window-closed", "o-1", BUYER)).setUserId(BUYER)
                        .setKind(NotificationKind.WINDOW_CLOSED).setOrderId("o-1")
                        .setTitle("Your cancellation window for order o-1 has closed")
                        .setBody("You can no longer cancel it yourself; you can still ask the seller to cancel it until it ships.")
                        .setCreatedAt(WINDOW_CLOSED_AT).build()));
    }

    @Test
    void creditIssuedIsAnnouncedToItsUserWithTheAmount() {
        harness.credits.pipeInput(BUYER, creditIssued("o-1").build());

        assertThat(harness.notifications.readKeyValuesToList()).containsExactly(KeyValue.pair(BUYER, Notification.newBuilder()
                .setNotificationId(Ids.notificationId("credit-issued", "credit-o-1", BUYER)).setUserId(BUYER)
                .setKind(NotificationKind.CREDIT_ISSUED).setOrderId("o-1").setTitle("61.57 USD store credit issued")
                .setBody("For cancelled order o-1. Your balance is now 61.57 USD; it applies to your next purchase.")
                .setAmountCents(RecordMother.TOTAL_CENTS).setCurrency("USD").setCreatedAt(RecordMother.CANCELLED_AT).build()));
    }

    @Test
    void aCancellationIsConfirmedToBothParties() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.cancelled.pipeInput("o-1", RecordMother.orderCancelled("o-1", RecordMother.CANCELLED_AT).build());

        assertThat(harness.notifications.readValuesToList())
                .extracting(Notification::getUserId, Notification::getKind, Notification::getBody)
                .containsExactly(
                        tuple(BUYER, NotificationKind.CANCELLATION_CONFIRMED,
                                "You cancelled it (changed mind). 61.57 USD is refunded to you as store credit."),
                        tuple(SELLER, NotificationKind.CANCELLATION_CONFIRMED, "The buyer cancelled it (changed mind). The "
                                + "buyer is refunded as store credit. Do not ship it: any label created for it is voided."));
    }

    @Test
    void theSellerIsRemindedOfTheShipByDeadlineAndOnceItPassedBothAreToldTheBuyerMayCancel() {
        var reminder = RecordMother.shipByDue().setOrderId("o-1").build();
        harness.shipBy.pipeInput("o-1", reminder);
        harness.shipBy.pipeInput("o-1", reminder); // redelivered: the same notice, kept once by the inbox
        harness.shipBy.pipeInput("o-1", RecordMother.shipByDue().setOrderId("o-1")
                .setStage(market.resale.schemas.orders.ShipByStage.PASSED).build());

        var notices = harness.notifications.readValuesToList();
        assertThat(notices).extracting(Notification::getUserId, Notification::getKind).containsExactly(
                tuple(SELLER, NotificationKind.SHIP_BY_REMINDER), tuple(SELLER, NotificationKind.SHIP_BY_REMINDER),
                tuple(BUYER, NotificationKind.SHIP_BY_PASSED), tuple(SELLER, NotificationKind.SHIP_BY_PASSED));
        assertThat(notices.get(0).getNotificationId()).isEqualTo(notices.get(1).getNotificationId());
        assertThat(notices.get(0).getTitle()).contains(reminder.getShipBy().toString());
        assertThat(notices.get(2).getBody()).contains("SELLER_DID_NOT_SHIP").contains("does not count on your record");
    }

    @Test
    void whatTheOneWhoCancelledWroteReachesTheOtherParty() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.cancelled.pipeInput("o-1", RecordMother.orderCancelled("o-1", RecordMother.CANCELLED_AT).setActor(Actor.SELLER)
                .setActorId(SELLER).setReason(CancelReason.ITEM_DAMAGED).setNote("The zip broke while packing, sorry.").build());

        assertThat(harness.notifications.readValuesToList())
                .extracting(Notification::getUserId, Notification::getBody)
                .containsExactly(
                        tuple(BUYER, "The seller cancelled it (item damaged). The seller wrote: \"The zip broke while packing, "
                                + "sorry.\" 61.57 USD is refunded to you as store credit."),
                        tuple(SELLER, "You cancelled it (item damaged). The buyer is refunded as store credit. Do not ship it: "
                                + "any label created for it is voided."));
    }

    @Test
    void whenSupportCancelsAnOrderThatShippedBothAreToldTheParcelComesBackAndHow() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.cancelled.pipeInput("o-1", RecordMother.orderCancelled("o-1", RecordMother.CANCELLED_AT).setActor(Actor.SUPPORT)
                .setActorId("agent-ada").setReason(CancelReason.DISPUTE_RESOLUTION).setReference("case-1")
                .setTrackingNumber("1Z999").setCarrier("UPS").build());

        var notices = harness.notifications.readValuesToList();
        assertThat(notices).extracting(Notification::getUserId).containsExactly(BUYER, SELLER);
        assertThat(notices.get(0).getBody()).startsWith("Support cancelled it as the outcome of a help-center case")
                .contains("61.57 USD is refunded to you as store credit").contains("UPS tracking 1Z999")
                .contains("goes back to them").contains("Refuse it at delivery").doesNotContain("nothing to ship");
        assertThat(notices.get(1).getBody()).contains("UPS tracking 1Z999").contains("comes back to you")
                .contains("scanned back").doesNotContain("Do not ship");
    }

    @Test
    void theBuyerOfAnOrderThatCostNothingIsToldThereIsNothingToRefund() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.cancelled.pipeInput("o-1", RecordMother.orderCancelled("o-1", RecordMother.CANCELLED_AT)
                .setRefund(RecordMother.refund().setItemCents(0).setShippingCents(0).setTaxCents(0).setCreditsAppliedCents(0)
                        .setTotalCents(0).build()).build());
        harness.credits.pipeInput(BUYER, creditIssued("o-1").setAmountCents(0).setBalanceAfterCents(1_000).build());

        assertThat(harness.notifications.readValuesToList())
                .extracting(Notification::getUserId, Notification::getKind, Notification::getTitle, Notification::getBody)
                .containsExactly(
                        tuple(BUYER, NotificationKind.CANCELLATION_CONFIRMED, "Order o-1 is cancelled",
                                "You cancelled it (changed mind). The order cost you nothing, so there is nothing to refund."),
                        tuple(SELLER, NotificationKind.CANCELLATION_CONFIRMED, "Order o-1 is cancelled",
                                "The buyer cancelled it (changed mind). The buyer is refunded as store credit. Do not ship it: "
                                        + "any label created for it is voided."),
                        tuple(BUYER, NotificationKind.CREDIT_ISSUED, "Nothing to refund for order o-1",
                                "Cancelled order o-1 cost you nothing, so no credit is added. Your balance stays 10.00 USD."));
    }

    @Test
    void aRefusedCancellationIsExplainedToWhoeverAskedForIt() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.rejected.pipeInput("o-1", RecordMother.cancellationRejected().setOrderId("o-1").setActor(Actor.BUYER)
                .setCode(RejectionCode.WINDOW_EXPIRED).setDetail("The 3-hour window has closed").setTrackingNumber(null).build());

        assertThat(harness.notifications.readValuesToList())
                .extracting(Notification::getUserId, Notification::getKind, Notification::getBody)
                .containsExactly(tuple(BUYER, NotificationKind.CANCELLATION_REFUSED, "The 3-hour window has closed."));
    }

    @Test
    void bothPartiesFollowTheirCase() {
        harness.cases.pipeInput("o-1", caseEvent("o-1", "ev-1", CaseAction.OPENED, CaseStatus.OPEN).build());
        harness.cases.pipeInput("o-1", caseEvent("o-1", "ev-2", CaseAction.MEDIATION_STARTED, CaseStatus.MEDIATION).build());
        harness.cases.pipeInput("o-1", caseEvent("o-1", "ev-3", CaseAction.RESOLVED, CaseStatus.RESOLVED).build());

        assertThat(harness.notifications.readValuesToList())
                .extracting(Notification::getUserId, Notification::getKind, Notification::getCaseId)
                .containsExactly(
                        tuple(BUYER, NotificationKind.CASE_OPENED, "case-1"), tuple(SELLER, NotificationKind.CASE_OPENED, "case-1"),
                        tuple(BUYER, NotificationKind.CASE_UPDATED, "case-1"), tuple(SELLER, NotificationKind.CASE_UPDATED, "case-1"),
                        tuple(BUYER, NotificationKind.CASE_RESOLVED, "case-1"), tuple(SELLER, NotificationKind.CASE_RESOLVED, "case-1"));
    }

    /** Issue 16, point 7: a notification leaves its user's inbox, its index and its counts inbox-retention after it came. */
    @Test
    void aNotificationIsForgottenAfterTheInboxRetention() {
        harness.credits.pipeInput(BUYER, creditIssued("o-1").build());
        var retention = MessagingMother.settings().inboxRetention();

        harness.at(RecordMother.CANCELLED_AT.plus(retention).minus(Duration.ofDays(1)));
        assertThat(harness.inbox(BUYER)).hasSize(1);
        harness.at(RecordMother.CANCELLED_AT.plus(retention).plus(Duration.ofHours(1)));

        assertThat(harness.inbox(BUYER)).isEmpty();
        assertThat(harness.summary(BUYER)).extracting(InboxSummary::total, InboxSummary::unread).containsExactly(0L, 0L);
        assertThat(harness.topology.<String>store(MessagingTopology.INBOX_INDEX_STORE).approximateNumEntries()).isZero();
        assertThat(harness.topology.<String>store(MessagingTopology.INBOX_EXPIRY_STORE).approximateNumEntries()).isZero();
        assertThat(harness.topology.count("notifications_expired_total")).isEqualTo(1);
    }

    @Test
    void aRedeliveredCauseIsInTheInboxOnce() {
        var credit = creditIssued("o-1").build();
        var opened = caseEvent("o-1", "ev-1", CaseAction.OPENED, CaseStatus.OPEN).build();

        harness.credits.pipeInput(BUYER, credit);
        harness.credits.pipeInput(BUYER, credit);
        harness.cases.pipeInput("o-1", opened);
        harness.cases.pipeInput("o-1", opened);

        assertThat(harness.inbox(BUYER)).extracting(InboxEntry::kind).containsExactly("CASE_OPENED", "CREDIT_ISSUED");
        assertThat(harness.summary(BUYER)).extracting(InboxSummary::total, InboxSummary::unread).containsExactly(2L, 2L);
        assertThat(harness.topology.count("notifications_total", "kind", "CREDIT_ISSUED")).isEqualTo(1);
    }

    @Test
    void theInboxIsNewestFirstAndEachUsersOwn() {
        harness.windowClosing.pipeInput("o-1", windowClosing("o-1").build());      // 12:30
        harness.cases.pipeInput("o-1", caseEvent("o-1", "ev-1", CaseAction.OPENED, CaseStatus.OPEN).build()); // next day
        harness.credits.pipeInput(BUYER, creditIssued("o-1").build());            // 11:00

        assertThat(harness.inbox(BUYER)).extracting(InboxEntry::kind)
                .containsExactly("CASE_OPENED", "WINDOW_CLOSING", "CREDIT_ISSUED");
        assertThat(harness.inbox(SELLER)).extracting(InboxEntry::kind).containsExactly("CASE_OPENED");
    }

    @Test
    void notificationsAreMarkedReadOneByOneOrAllAtOnce() {
        harness.windowClosing.pipeInput("o-1", windowClosing("o-1").build());
        harness.credits.pipeInput(BUYER, creditIssued("o-1").build());
        harness.cases.pipeInput("o-1", caseEvent("o-1", "ev-1", CaseAction.OPENED, CaseStatus.OPEN).build());
        var credit = Ids.notificationId("credit-issued", "credit-o-1", BUYER);
        harness.at(WINDOW_CLOSED_AT.plus(Duration.ofDays(2)));

        harness.inboxCommands.pipeInput(BUYER, markRead(BUYER, credit).build());
        harness.inboxCommands.pipeInput(BUYER, markRead(BUYER, credit).build());

        assertThat(harness.inbox(BUYER)).extracting(InboxEntry::notificationId, InboxEntry::unread)
                .contains(tuple(credit, false));
        assertThat(harness.summary(BUYER).unread()).isEqualTo(2);
        assertThat(harness.summary(SELLER).unread()).isEqualTo(1);

        harness.inboxCommands.pipeInput(BUYER, markAllRead(BUYER).build());

        assertThat(harness.inbox(BUYER)).extracting(InboxEntry::unread).containsOnly(false);
        assertThat(harness.summary(BUYER)).extracting(InboxSummary::unread, InboxSummary::readAllCommandId)
                .containsExactly(0L, "read-all-" + BUYER);
        assertThat(harness.summary(SELLER).unread()).isEqualTo(1);
    }

    @Test
    void aNotificationNotKeyedByItsUserIsDeadLettered() {
        harness.topology.input(Topics.NOTIFICATIONS).pipeInput(SELLER, Notification.newBuilder()
                .setNotificationId("n-1").setUserId(BUYER).setKind(NotificationKind.OTHER).setTitle("t").setBody("b")
                .setCreatedAt(WINDOW_CLOSED_AT).build());
        harness.topology.rawInput(Topics.INBOX_COMMANDS).pipeInput(BUYER, "garbage".getBytes(StandardCharsets.UTF_8));

        assertThat(harness.deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactly(DeadLetters.INVALID, DeadLetters.NOT_DESERIALIZABLE);
        assertThat(harness.inbox(BUYER)).isEmpty();
        assertThat(harness.inbox(SELLER)).isEmpty();
    }

    /** The inbox as the HTTP API pages it, over the real store the topology fills: newest first, unread only on request. */
    @Test
    void theInboxIsPagedNewestFirstAndCanBeNarrowedToTheUnread() {
        for (int i = 1; i <= 5; i++) {
            harness.credits.pipeInput(BUYER, creditIssued("o-" + i).setIssuedAt(RecordMother.CANCELLED_AT.plusSeconds(i)).build());
        }
        harness.inboxCommands.pipeInput(BUYER, markRead(BUYER, Ids.notificationId("credit-issued", "credit-o-4", BUYER)).build());
        var router = mock(KeyOwnerRouter.class);
        when(router.remoteOwner(anyString(), anyString()))
                .thenReturn(Optional.empty());
        when(router.<InboxEntry>localStore(MessagingTopology.INBOX_STORE))
                .thenReturn(harness.topology.store(MessagingTopology.INBOX_STORE));
        when(router.<InboxSummary>localStore(MessagingTopology.INBOX_SUMMARIES_STORE))
                .thenReturn(harness.topology.store(MessagingTopology.INBOX_SUMMARIES_STORE));
        var controller = new NotificationsController(router,
                new OwnerRouting(router, mock(Forwarder.class)),
                mock(EventPublisher.class),
                mock(NotificationFeed.class), MessagingMother.settings(), harness.clock,
                new market.resale.platform.web.CommandFlow(market.resale.platform.kafka.CommitWatch.PROCESSED_IS_COMMITTED));
        WebFilter buyer = (exchange, chain) -> chain.filter(exchange.mutate().principal(
                Mono.just(new TestingAuthenticationToken(BUYER, null, "ROLE_BUYER"))).build());
        var client = WebTestClient.bindToController(controller)
                .controllerAdvice(new ProblemHandling()).webFilter(buyer).build();

        client.get().uri("/notifications?size=2").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.unreadCount").isEqualTo(4)
                .jsonPath("$.hasMore").isEqualTo(true)
                .jsonPath("$.notifications[0].orderId").isEqualTo("o-5")
                .jsonPath("$.notifications[1].orderId").isEqualTo("o-4");
        client.get().uri("/notifications?size=2&page=2").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.hasMore").isEqualTo(false)
                .jsonPath("$.notifications.length()").isEqualTo(1)
                .jsonPath("$.notifications[0].orderId").isEqualTo("o-1");
        client.get().uri("/notifications?size=2&page=1&unread=true").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.notifications[0].orderId").isEqualTo("o-2") // o-4 is read: o-5, o-3 | o-2, o-1
                .jsonPath("$.notifications[1].orderId").isEqualTo("o-1")
                .jsonPath("$.hasMore").isEqualTo(false);
    }
}
