package market.resale.support.domain;

/**
 * One entry of an order's buyer-seller conversation as messaging-service published it
 * ({@code messaging.conversation-messages}). Support keeps the latest of each order so that a quote
 * is taken from what was really written, never from what a party says was written.
 */
public record ConversationEntry(String messageId, String orderId, long seq, String senderId, String senderRole,
                                String kind, String text, long sentAt) {

    /** The entry as quoted evidence: its sender, kind, time and whole text, as messaging recorded them. */
    public MessageQuote quote() {
        return new MessageQuote(messageId, senderId, kind, sentAt, text);
    }
}
