package market.resale.orders.domain;

/**
 * Whether the caller may cancel, shown before they confirm (rule 7).
 *
 * @param version       the order version this answer describes; the confirmation quotes it
 * @param deadline      until when the buyer may cancel on their own; null when no deadline applies
 * @param refundCents   the refund as store credit if cancelled
 * @param affectsRecord whether the cancellation counts on the buyer's cancellation record
 * @param reasons       the reasons this caller may give now
 * @param shipBy        until when the seller may ship (rule 13); null once shipped or cancelled
 */
public record Eligibility(String orderId, long version, Decision decision, Long deadline, long refundCents,
                          String currency, boolean affectsRecord, java.util.List<String> reasons, Long shipBy) {
}
