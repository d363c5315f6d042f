package market.resale.support.domain;

/**
 * A conversation message quoted as evidence. Messages attached by the service come from messaging
 * with their sender, kind and time; a party quoting one over HTTP gives only its id and excerpt.
 */
public record MessageQuote(String messageId, String senderId, String kind, Long sentAt, String text) {
}
