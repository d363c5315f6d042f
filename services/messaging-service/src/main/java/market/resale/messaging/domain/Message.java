package market.resale.messaging.domain;

/**
 * One entry of an order's conversation. {@code seq} counts from 1 per order in the order the entries
 * were accepted; {@code reason} (a cancel reason) and {@code requestId} are set on request entries.
 */
public record Message(String messageId, String orderId, long seq, String senderId, Party senderRole, EntryKind kind,
                      String text, String reason, String requestId, long sentAt) {
}
