package market.resale.orders.domain;

/** A seller's comment on the buyer's profile about one cancelled order between them (rule 9, §1.3). */
public record SellerComment(String commandId, String sellerId, String text, long at) {
}
