package market.resale.orders.domain;

import market.resale.platform.kafka.SourceOffset;

/**
 * A seller's comment on the buyer's profile about one cancelled order between them (rule 9, §1.3).
 *
 * @param source the command record it was stored from: the answer waits until that record's processing committed
 */
public record SellerComment(String commandId, String sellerId, String text, long at, SourceOffset source) {
}
