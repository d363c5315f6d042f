package market.resale.messaging.domain;

/** One notification in a user's inbox; {@code readAt} is null while unread. */
public record InboxEntry(String notificationId, String userId, String kind, String orderId, String caseId, String title,
                         String body, Long amountCents, String currency, long createdAt, Long readAt) {

    public InboxEntry read(long now) {
        return readAt != null ? this : new InboxEntry(notificationId, userId, kind, orderId, caseId, title, body,
                amountCents, currency, createdAt, now);
    }

    public boolean unread() {
        return readAt == null;
    }
}
