package market.resale.messaging.domain;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Ids derived from what caused them, so that a redelivered cause yields the same id and is
 * recognised as a repeat (a request, the cancel command of its approval, a notification).
 */
public final class Ids {

    private Ids() {
    }

    public static String derived(String prefix, String... parts) {
        return prefix + "-" + UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8));
    }

    public static String messageId(String orderId, long seq) {
        return "m-" + orderId + "-" + seq;
    }

    /**
     * A request to the seller, from the order and the command that made it: the same caller's key on two orders
     * makes two requests (and two approvals' cancel commands), not one id for both.
     */
    public static String requestId(String orderId, String commandId) {
        return derived("r", orderId, commandId);
    }

    /** The cancel command of an approval: one per request, whatever is retried or redelivered. */
    public static String cancelCommandId(String requestId) {
        return "approval-" + requestId;
    }

    public static String episodeId(String orderId, String firstMessageId) {
        return derived("e", orderId, firstMessageId);
    }

    public static String notificationId(String cause, String... parts) {
        var all = new String[parts.length + 1];
        all[0] = cause;
        System.arraycopy(parts, 0, all, 1, parts.length);
        return derived("n", all);
    }
}
