package market.resale.support.domain;

/**
 * A conversation message quoted as evidence, with its sender, kind, time and text as messaging
 * recorded them: the service's quotes come from messaging's non-responsive event, a party's or an
 * agent's from the conversation entries support keeps ({@link ConversationEntry}); nobody supplies
 * the text of a quote.
 */
public record MessageQuote(String messageId, String senderId, String kind, Long sentAt, String text) {
}
