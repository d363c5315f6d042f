package market.resale.messaging.stream;

import static market.resale.messaging.MessagingMother.BUYER;
import static market.resale.messaging.MessagingMother.SELLER;
import static market.resale.messaging.MessagingMother.TRACKING_NUMBER;
import static market.resale.messaging.MessagingMother.WINDOW_CLOSED_AT;
import static market.resale.messaging.MessagingMother.approvalRefusedShipped;
import static market.resale.messaging.MessagingMother.approve;
import static market.resale.messaging.MessagingMother.cancelledByApproval;
import static market.resale.messaging.MessagingMother.decline;
import static market.resale.messaging.MessagingMother.placed;
import static market.resale.messaging.MessagingMother.request;
import static market.resale.messaging.MessagingMother.shipped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import market.resale.messaging.domain.CommandOutcome;
import market.resale.messaging.domain.Ids;
import market.resale.messaging.domain.Refusal;
import market.resale.messaging.domain.RequestStatus;
import market.resale.schemas.RecordMother;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.NotificationKind;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rule 4: outside their own window the buyer asks the seller; the seller answers; orders-service has the last word. */
class CancellationRequestTopologyTest {

    private static final Instant ASKED_AT = WINDOW_CLOSED_AT.plus(Duration.ofHours(1));
    private static final Instant APPROVED_AT = ASKED_AT.plus(Duration.ofHours(2));
    private static final String REQUEST_ID = Ids.requestId("o-1", "ask-1");

    private MessagingHarness harness;

    @BeforeEach
    void start() {
        harness = new MessagingHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void asked(String orderId) {
        harness.placedAndWindowExpired(orderId);
        harness.at(ASKED_AT);
        harness.send(request(orderId, "ask-1").build());
    }

    @Test
    void theSameKeyOnTwoOrdersMakesTwoRequests() {
        asked("o-1");
        asked("o-2");

        assertThat(harness.conversation("o-1").requests()).containsOnlyKeys(Ids.requestId("o-1", "ask-1"));
        assertThat(harness.conversation("o-2").requests()).containsOnlyKeys(Ids.requestId("o-2", "ask-1"));
        assertThat(Ids.requestId("o-1", "ask-1")).isNotEqualTo(Ids.requestId("o-2", "ask-1"));
    }

    @Test
    void whileTheWindowIsOpenTheBuyerIsToldToCancelThemselves() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.send(request("o-1", "ask-1").build());

        assertThat(harness.outcome("o-1", "ask-1")).extracting(CommandOutcome::accepted, CommandOutcome::refusal)
                .containsExactly(false, Refusal.WINDOW_STILL_OPEN);
        assertThat(harness.messages.readValuesToList()).isEmpty();
        assertThat(harness.notifications.readValuesToList()).isEmpty();
        assertThat(harness.topology.count("cancellation_requests_total", "outcome", "WINDOW_STILL_OPEN")).isEqualTo(1);
    }

    @Test
    void aShippedOrderIsRefusedWithItsTrackingNumber() {
        harness.placedAndWindowExpired("o-1");
        harness.shipped.pipeInput("o-1", shipped("o-1").build());

        harness.send(request("o-1", "ask-1").build());

        assertThat(harness.outcome("o-1", "ask-1"))
                .extracting(CommandOutcome::refusal, CommandOutcome::trackingNumber)
                .containsExactly(Refusal.ALREADY_SHIPPED, TRACKING_NUMBER);
    }

    @Test
    void aRequestTheSellerHasNotAnsweredEndsWhenTheOrderShipsAndBothAreTold() {
        asked("o-1");
        harness.messages.readValuesToList();
        harness.notifications.readValuesToList();

        harness.shipped.pipeInput("o-1", shipped("o-1").build());
        harness.shipped.pipeInput("o-1", shipped("o-1").build()); // redelivered: nothing more

        var request = harness.conversation("o-1").requests().get(REQUEST_ID);
        assertThat(request.status()).isEqualTo(RequestStatus.CLOSED);
        assertThat(request.outcomeCode()).isEqualTo("ALREADY_SHIPPED");
        assertThat(request.trackingNumber()).isEqualTo(TRACKING_NUMBER);
        assertThat(request.outcomeDetail()).contains(TRACKING_NUMBER).contains("before the seller answered").contains("return");
        assertThat(harness.notifications.readValuesToList())
                .extracting(Notification::getUserId, Notification::getKind)
                .containsExactly(tuple(BUYER, NotificationKind.CANCELLATION_REQUEST_CLOSED),
                        tuple(SELLER, NotificationKind.CANCELLATION_REQUEST_CLOSED));
        assertThat(harness.messages.readValuesToList()).extracting(ConversationMessage::getKind, ConversationMessage::getText)
                .singleElement().satisfies(note -> assertThat(note.toList()).first().isEqualTo(MessageKind.SYSTEM_NOTE));
        assertThat(harness.topology.count("cancellation_requests_settled_total", "outcome", "CLOSED")).isEqualTo(1);

        // The seller's late approval is refused: the request is no longer pending.
        harness.send(approve("o-1", "approve-1", REQUEST_ID).build());
        assertThat(harness.outcome("o-1", "approve-1").refusal()).isEqualTo(Refusal.REQUEST_NOT_PENDING);
    }

    @Test
    void aCancelledOrderIsRefused() {
        harness.placedAndWindowExpired("o-1");
        harness.cancelled.pipeInput("o-1", RecordMother.orderCancelled("o-1", WINDOW_CLOSED_AT).setActor(Actor.SELLER)
                .setActorId(SELLER).build());

        harness.send(request("o-1", "ask-1").build());

        assertThat(harness.outcome("o-1", "ask-1").refusal()).isEqualTo(Refusal.ALREADY_CANCELLED);
    }

    @Test
    void aSecondRequestWhileTheFirstIsPendingIsRefusedAndNamesTheFirst() {
        asked("o-1");

        harness.send(request("o-1", "ask-2").build());

        assertThat(harness.outcome("o-1", "ask-2")).extracting(CommandOutcome::refusal, CommandOutcome::requestId)
                .containsExactly(Refusal.REQUEST_PENDING, REQUEST_ID);
    }

    @Test
    void aRequestIsAnEntryOfTheConversationAndTheSellerIsNotified() {
        asked("o-1");

        assertThat(harness.messages.readValuesToList()).containsExactly(ConversationMessage.newBuilder()
                .setMessageId("m-o-1-1").setOrderId("o-1").setSeq(1).setSenderId(BUYER)
                .setSenderRole(market.resale.schemas.messaging.ParticipantRole.BUYER).setKind(MessageKind.CANCELLATION_REQUEST)
                .setText("wrong size, sorry").setReason(CancelReason.ORDERED_BY_MISTAKE).setRequestId(REQUEST_ID)
                .setSentAt(ASKED_AT).build());
        assertThat(harness.notifications.readValuesToList()).extracting(Notification::getUserId, Notification::getKind)
                .contains(tuple(SELLER, NotificationKind.CANCELLATION_REQUEST_RECEIVED));
        assertThat(harness.conversation("o-1").requests().get(REQUEST_ID).status()).isEqualTo(RequestStatus.PENDING);
    }

    @Test
    void anApprovalSendsExactlyOneCancelCommandOnTheSellersBehalfWithTheRequestAsReference() {
        asked("o-1");
        harness.at(APPROVED_AT);

        harness.send(approve("o-1", "yes-1", REQUEST_ID).build());

        assertThat(harness.cancelCommands.readKeyValuesToList()).containsExactly(KeyValue.pair("o-1", CancelOrderCommand.newBuilder()
                .setCommandId("approval-" + REQUEST_ID).setOrderId("o-1").setActor(Actor.SELLER_APPROVED).setActorId(SELLER)
                .setReason(CancelReason.ORDERED_BY_MISTAKE).setNote("wrong size, sorry").setExpectedVersion(null)
                .setRequestedAt(APPROVED_AT).setReference(REQUEST_ID).build()));
        assertThat(harness.conversation("o-1").requests().get(REQUEST_ID).status()).isEqualTo(RequestStatus.APPROVED);
        assertThat(harness.notifications.readValuesToList()).extracting(Notification::getUserId, Notification::getKind)
                .contains(tuple(BUYER, NotificationKind.CANCELLATION_REQUEST_APPROVED));
    }

    @Test
    void aRedeliveredOrRepeatedApprovalSendsNoSecondCommand() {
        asked("o-1");
        var approval = approve("o-1", "yes-1", REQUEST_ID).build();

        harness.send(approval);
        harness.send(approval);
        harness.send(approve("o-1", "yes-again", REQUEST_ID).build());

        assertThat(harness.cancelCommands.readValuesToList()).hasSize(1);
        assertThat(harness.outcome("o-1", "yes-again").accepted()).isTrue();
        assertThat(harness.messages.readValuesToList()).extracting(ConversationMessage::getKind)
                .containsExactly(MessageKind.CANCELLATION_REQUEST, MessageKind.REQUEST_APPROVED);
    }

    @Test
    void onlyTheSellerAnswersARequest() {
        asked("o-1");

        harness.send(approve("o-1", "yes-1", REQUEST_ID).setActorId(BUYER).build());

        assertThat(harness.outcome("o-1", "yes-1").refusal()).isEqualTo(Refusal.NOT_ALLOWED);
        assertThat(harness.cancelCommands.readValuesToList()).isEmpty();
    }

    @Test
    void whenOrdersRefusesTheApprovalBothPartiesAreToldWhyWithTheTrackingNumber() {
        asked("o-1");
        harness.send(approve("o-1", "yes-1", REQUEST_ID).build());
        harness.notifications.readValuesToList();
        harness.messages.readValuesToList();
        var refusedAt = APPROVED_AT.plusSeconds(1);
        harness.at(refusedAt);

        harness.rejected.pipeInput("o-1", approvalRefusedShipped("o-1", REQUEST_ID, refusedAt).build());

        var request = harness.conversation("o-1").requests().get(REQUEST_ID);
        assertThat(request).extracting(r -> r.status(), r -> r.outcomeCode(), r -> r.trackingNumber())
                .containsExactly(RequestStatus.REFUSED, "ALREADY_SHIPPED", TRACKING_NUMBER);
        assertThat(harness.messages.readValuesToList()).extracting(ConversationMessage::getKind, ConversationMessage::getText)
                .containsExactly(tuple(MessageKind.SYSTEM_NOTE,
                        "The order could not be cancelled: The order has shipped (tracking number " + TRACKING_NUMBER + ")"));
        var notices = harness.notifications.readKeyValuesToList();
        assertThat(notices).containsExactly(
                KeyValue.pair(BUYER, refused(BUYER, refusedAt)),
                KeyValue.pair(SELLER, refused(SELLER, refusedAt)));
        assertThat(harness.conversation("o-1").shipped()).isTrue();
    }

    private static Notification refused(String userId, Instant at) {
        return Notification.newBuilder()
                .setNotificationId(Ids.notificationId("cancellation-refused", "o-1", "approval-" + REQUEST_ID, userId))
                .setUserId(userId).setKind(NotificationKind.CANCELLATION_REFUSED).setOrderId("o-1")
                .setTitle("Order o-1 could not be cancelled")
                .setBody("The order has shipped. Tracking number: " + TRACKING_NUMBER + ".")
                .setCreatedAt(at).build();
    }

    @Test
    void aRedeliveredRefusalChangesNothing() {
        asked("o-1");
        harness.send(approve("o-1", "yes-1", REQUEST_ID).build());
        var refusal = approvalRefusedShipped("o-1", REQUEST_ID, APPROVED_AT).build();
        harness.rejected.pipeInput("o-1", refusal);
        harness.notifications.readValuesToList();

        harness.rejected.pipeInput("o-1", refusal);

        assertThat(harness.notifications.readValuesToList()).isEmpty();
    }

    @Test
    void whenOrdersCancelsTheRequestIsSettledAndBothPartiesAreNotified() {
        asked("o-1");
        harness.send(approve("o-1", "yes-1", REQUEST_ID).build());
        harness.notifications.readValuesToList();
        harness.messages.readValuesToList();

        harness.cancelled.pipeInput("o-1", cancelledByApproval("o-1", REQUEST_ID, APPROVED_AT).build());

        assertThat(harness.conversation("o-1").requests().get(REQUEST_ID).status()).isEqualTo(RequestStatus.CANCELLED);
        assertThat(harness.messages.readValuesToList()).extracting(ConversationMessage::getKind, ConversationMessage::getRequestId)
                .containsExactly(tuple(MessageKind.SYSTEM_NOTE, REQUEST_ID));
        assertThat(harness.notifications.readValuesToList())
                .extracting(Notification::getUserId, Notification::getKind, Notification::getAmountCents)
                .containsExactly(tuple(BUYER, NotificationKind.CANCELLATION_CONFIRMED, RecordMother.TOTAL_CENTS),
                        tuple(SELLER, NotificationKind.CANCELLATION_CONFIRMED, RecordMother.TOTAL_CENTS));
    }

    @Test
    void aDeclineLeavesTheOrderAsItWasAndTheBuyerMayAskAgain() {
        asked("o-1");

        harness.send(decline("o-1", "no-1", REQUEST_ID, "It is already packed").build());
        harness.send(request("o-1", "ask-2").build());

        assertThat(harness.cancelCommands.readValuesToList()).isEmpty();
        assertThat(harness.conversation("o-1").requests().get(REQUEST_ID))
                .extracting(r -> r.status(), r -> r.answerNote()).containsExactly(RequestStatus.DECLINED, "It is already packed");
        assertThat(harness.notifications.readValuesToList()).extracting(Notification::getUserId, Notification::getKind)
                .containsSubsequence(tuple(BUYER, NotificationKind.CANCELLATION_REQUEST_DECLINED),
                        tuple(SELLER, NotificationKind.CANCELLATION_REQUEST_RECEIVED));
        assertThat(harness.outcome("o-1", "ask-2").accepted()).isTrue();
    }

    @Test
    void aDeclinedRequestCannotBeApprovedAfterwards() {
        asked("o-1");
        harness.send(decline("o-1", "no-1", REQUEST_ID, null).build());

        harness.send(approve("o-1", "yes-1", REQUEST_ID).build());

        assertThat(harness.outcome("o-1", "yes-1").refusal()).isEqualTo(Refusal.REQUEST_NOT_PENDING);
        assertThat(harness.cancelCommands.readValuesToList()).isEmpty();
    }
    @Test
    void anOrderTakesABoundedNumberOfRequests() {
        harness.close();
        var defaults = market.resale.messaging.MessagingMother.settings();
        harness = new MessagingHarness(new market.resale.messaging.config.MessagingSettings(defaults.nonResponsive(),
                defaults.decisionWait(), defaults.maxMessageLength(), defaults.maxNoteLength(), defaults.streamHeartbeat(),
                defaults.outcomeRetention(), defaults.maxEntriesPerOrder(), 2, defaults.inboxRetention()));
        asked("o-1");
        harness.send(decline("o-1", "no-1", REQUEST_ID, "No").build());
        harness.send(request("o-1", "ask-2").build());
        harness.send(decline("o-1", "no-2", Ids.requestId("o-1", "ask-2"), "Still no").build());

        harness.send(request("o-1", "ask-3").build());

        assertThat(harness.outcome("o-1", "ask-3")).extracting(CommandOutcome::accepted, CommandOutcome::refusal)
                .containsExactly(false, Refusal.REQUEST_LIMIT_REACHED);
        assertThat(harness.conversation("o-1").requests()).hasSize(2);
        assertThat(harness.topology.count("cancellation_requests_total", "outcome", "REQUEST_LIMIT_REACHED")).isEqualTo(1);
    }
}
