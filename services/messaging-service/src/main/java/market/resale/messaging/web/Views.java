package market.resale.messaging.web;

import java.time.Instant;
import java.util.List;
import market.resale.messaging.domain.CancellationRequest;
import market.resale.messaging.domain.InboxEntry;
import market.resale.messaging.domain.Message;
import market.resale.schemas.messaging.Notification;

/** What the HTTP API shows; times as ISO-8601 instants. */
final class Views {

    private Views() {
    }

    record MessageView(String messageId, long seq, String senderId, String senderRole, String kind, String text,
                       String reason, String requestId, Instant sentAt) {
    }

    record ConversationView(String orderId, String buyerId, String sellerId, List<MessageView> messages, int page, int size,
                            boolean hasMore) {
    }

    record Outcome(String code, String detail, String trackingNumber, Instant at) {
    }

    /**
     * @param status     PENDING (the seller has not answered), APPROVED (orders-service deciding), DECLINED, CANCELLED,
     *                   REFUSED (orders-service refused it), CLOSED (the order shipped before the seller answered)
     * @param escalation set when the seller was reported non-responsive while the request waited
     */
    record RequestView(String requestId, String orderId, String status, String reason, String note, Instant requestedAt,
                       Instant answeredAt, String answerNote, String cancelCommandId, Outcome outcome, Escalation escalation) {
    }

    record Escalation(Instant at, String detail) {
    }

    /** An order's cancellation requests as the controller writes them (a map), named for the API document. */
    record RequestList(String orderId, List<RequestView> requests) {
    }

    /** A write done: what it made (the message's entry, or the request it made or answered). */
    record CommandDone(String commandId, String orderId, String status, String messageId, Long seq, String requestId) {
    }

    record Pending(String commandId, String status) {
    }

    record NotificationView(String notificationId, String kind, String orderId, String caseId, String title, String body,
                            Long amountCents, String currency, Instant createdAt, boolean read) {
    }

    record Inbox(String userId, long unreadCount, List<NotificationView> notifications, int page, int size, boolean hasMore) {
    }

    record ReadAll(String userId, long unreadCount) {
    }

    static MessageView of(Message m) {
        return new MessageView(m.messageId(), m.seq(), m.senderId(), m.senderRole().name(), m.kind().name(), m.text(),
                m.reason(), m.requestId(), Instant.ofEpochMilli(m.sentAt()));
    }

    static RequestView of(CancellationRequest r) {
        var outcome = r.resolvedAt() == null ? null
                : new Outcome(r.outcomeCode(), r.outcomeDetail(), r.trackingNumber(), Instant.ofEpochMilli(r.resolvedAt()));
        return new RequestView(r.requestId(), r.orderId(), r.status().name(), r.reason(), r.note(),
                Instant.ofEpochMilli(r.requestedAt()), r.answeredAt() == null ? null : Instant.ofEpochMilli(r.answeredAt()),
                r.answerNote(), r.cancelCommandId(), outcome,
                r.escalatedAt() == null ? null : new Escalation(Instant.ofEpochMilli(r.escalatedAt()), r.escalation()));
    }

    static NotificationView of(InboxEntry e) {
        return new NotificationView(e.notificationId(), e.kind(), e.orderId(), e.caseId(), e.title(), e.body(), e.amountCents(),
                e.currency(), Instant.ofEpochMilli(e.createdAt()), !e.unread());
    }

    static NotificationView of(Notification n) {
        return new NotificationView(n.getNotificationId(), n.getKind().name(), n.getOrderId(), n.getCaseId(), n.getTitle(),
                n.getBody(), n.getAmountCents(), n.getCurrency(), n.getCreatedAt(), false);
    }
}
