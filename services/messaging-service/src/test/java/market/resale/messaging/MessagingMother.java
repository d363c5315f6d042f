package market.resale.messaging;

import java.time.Duration;
import java.time.Instant;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.Ids;
import market.resale.schemas.RecordMother;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.messaging.ConversationAction;
import market.resale.schemas.messaging.ConversationCommand;
import market.resale.schemas.messaging.InboxAction;
import market.resale.schemas.messaging.InboxCommand;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.CancellationWindowClosing;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.support.CaseAction;
import market.resale.schemas.support.CaseEvent;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.support.CaseType;

/**
 * Test data: RecordMother's story (buyer-ann buys a jacket from seller-sam at 10:00) continued in
 * messaging: the 3-hour window closes at 13:00, and then the buyer and the seller talk.
 */
public final class MessagingMother {

    public static final String BUYER = RecordMother.BUYER_ID;
    public static final String SELLER = RecordMother.SELLER_ID;
    public static final String TRACKING_NUMBER = RecordMother.TRACKING_NUMBER;
    public static final Instant PLACED_AT = RecordMother.PLACED_AT;
    public static final Instant WINDOW_CLOSED_AT = PLACED_AT.plus(Duration.ofHours(3));

    private MessagingMother() {
    }

    /**
     * The defaults of SPEC rule 4: 2 unanswered entries, 24 hours, the first 20 quoted; the timer ticks
     * every second. Answers kept 7 days; 1000 entries and 20 requests per order; notifications kept 90 days.
     */
    public static MessagingSettings settings() {
        return new MessagingSettings(new MessagingSettings.NonResponsive(2, Duration.ofHours(24), Duration.ofSeconds(1), 10_000, 20),
                Duration.ofSeconds(5), 2000, 500, Duration.ofSeconds(15), Duration.ofDays(7), 1000, 20, Duration.ofDays(90));
    }

    public static OrderPlaced.Builder placed(String orderId) {
        return RecordMother.orderPlaced(orderId);
    }

    public static CancellationWindowClosed.Builder windowExpired(String orderId) {
        return RecordMother.cancellationWindowClosed().setOrderId(orderId).setClosedAt(WINDOW_CLOSED_AT);
    }

    public static CancellationWindowClosing.Builder windowClosing(String orderId) {
        return CancellationWindowClosing.newBuilder().setOrderId(orderId).setBuyerId(BUYER).setClosesAt(WINDOW_CLOSED_AT)
                .setRemindedAt(WINDOW_CLOSED_AT.minus(Duration.ofMinutes(30)));
    }

    public static OrderShipped.Builder shipped(String orderId) {
        return RecordMother.orderShipped().setOrderId(orderId);
    }

    public static ConversationCommand.Builder message(String orderId, String commandId, String senderId, String text) {
        return ConversationCommand.newBuilder().setCommandId(commandId).setOrderId(orderId).setActorId(senderId)
                .setAction(ConversationAction.POST_MESSAGE).setText(text).setRequestedAt(WINDOW_CLOSED_AT);
    }

    public static ConversationCommand.Builder request(String orderId, String commandId) {
        return ConversationCommand.newBuilder().setCommandId(commandId).setOrderId(orderId).setActorId(BUYER)
                .setAction(ConversationAction.REQUEST_CANCELLATION).setReason(CancelReason.ORDERED_BY_MISTAKE)
                .setText("wrong size, sorry").setRequestedAt(WINDOW_CLOSED_AT);
    }

    public static ConversationCommand.Builder approve(String orderId, String commandId, String requestId) {
        return ConversationCommand.newBuilder().setCommandId(commandId).setOrderId(orderId).setActorId(SELLER)
                .setAction(ConversationAction.APPROVE_REQUEST).setRequestId(requestId).setRequestedAt(WINDOW_CLOSED_AT);
    }

    public static ConversationCommand.Builder decline(String orderId, String commandId, String requestId, String note) {
        return ConversationCommand.newBuilder().setCommandId(commandId).setOrderId(orderId).setActorId(SELLER)
                .setAction(ConversationAction.DECLINE_REQUEST).setRequestId(requestId).setText(note)
                .setRequestedAt(WINDOW_CLOSED_AT);
    }

    /** orders-service's cancellation carrying out the seller's approval of {@code requestId}. */
    public static OrderCancelled.Builder cancelledByApproval(String orderId, String requestId, Instant at) {
        return RecordMother.orderCancelled(orderId, at).setCommandId(Ids.cancelCommandId(requestId))
                .setActor(Actor.SELLER_APPROVED).setActorId(SELLER).setReason(CancelReason.ORDERED_BY_MISTAKE)
                .setReference(requestId);
    }

    /** orders-service's refusal of the seller's approval of {@code requestId}: the parcel left first. */
    public static CancellationRejected.Builder approvalRefusedShipped(String orderId, String requestId, Instant at) {
        return RecordMother.cancellationRejected().setOrderId(orderId).setCommandId(Ids.cancelCommandId(requestId))
                .setActor(Actor.SELLER_APPROVED).setActorId(SELLER).setReference(requestId)
                .setDetail("The order has shipped").setRejectedAt(at);
    }

    public static CreditIssued.Builder creditIssued(String orderId) {
        return RecordMother.creditIssued().setOrderId(orderId).setEntryId("credit-" + orderId);
    }

    public static CaseEvent.Builder caseEvent(String orderId, String eventId, CaseAction action, CaseStatus status) {
        return CaseEvent.newBuilder().setEventId(eventId).setCaseId("case-1").setOrderId(orderId)
                .setType(CaseType.NON_RESPONSIVE_SELLER).setStatus(status).setBuyerId(BUYER).setSellerId(SELLER)
                .setAction(action).setActorId("agent-1").setActorRole(ParticipantRole.SUPPORT)
                .setSummary("The seller did not answer for 24 hours").setAt(WINDOW_CLOSED_AT.plus(Duration.ofDays(1)));
    }

    public static InboxCommand.Builder markRead(String userId, String notificationId) {
        return InboxCommand.newBuilder().setCommandId("read-" + notificationId).setUserId(userId)
                .setAction(InboxAction.MARK_READ).setNotificationId(notificationId).setRequestedAt(WINDOW_CLOSED_AT);
    }

    public static InboxCommand.Builder markAllRead(String userId) {
        return InboxCommand.newBuilder().setCommandId("read-all-" + userId).setUserId(userId)
                .setAction(InboxAction.MARK_ALL_READ).setRequestedAt(WINDOW_CLOSED_AT);
    }
}
