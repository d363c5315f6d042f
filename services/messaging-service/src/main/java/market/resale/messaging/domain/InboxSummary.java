package market.resale.messaging.domain;

/**
 * Counts of a user's inbox, and the last "mark all read" applied (its command id and when it was
 * asked for), so that the caller who asked can tell it has been applied.
 */
public record InboxSummary(String userId, long total, long unread, String readAllCommandId, long readAllRequestedAt) {

    public static InboxSummary empty(String userId) {
        return new InboxSummary(userId, 0, 0, null, 0);
    }

    public InboxSummary delivered() {
        return new InboxSummary(userId, total + 1, unread + 1, readAllCommandId, readAllRequestedAt);
    }

    public InboxSummary readOne() {
        return new InboxSummary(userId, total, Math.max(0, unread - 1), readAllCommandId, readAllRequestedAt);
    }

    /** A notification left the inbox (its retention passed), read or not. */
    public InboxSummary expired(boolean wasUnread) {
        return new InboxSummary(userId, Math.max(0, total - 1), wasUnread ? Math.max(0, unread - 1) : unread, readAllCommandId,
                readAllRequestedAt);
    }

    public InboxSummary readAll(String commandId, long requestedAt) {
        return new InboxSummary(userId, total, 0, commandId, Math.max(readAllRequestedAt, requestedAt));
    }

    /** Whether the "mark all read" {@code commandId}, asked for at {@code requestedAt}, is applied (or a later one). */
    public boolean readAllApplied(String commandId, long requestedAt) {
        return commandId.equals(readAllCommandId) || readAllRequestedAt > requestedAt;
    }
}
