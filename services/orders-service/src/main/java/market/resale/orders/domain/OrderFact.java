package market.resale.orders.domain;

/**
 * What reputation needs to know about one order of a buyer or seller.
 *
 * @param counterpartyId the seller (on a buyer's purchase) or the buyer (on a seller's sale)
 * @param shippedAt      the first shipping scan, null while not shipped
 * @param cancelledAt    null unless cancelled
 * @param stars          the buyer's rating of the seller for this order, 1 to 5; null if not rated
 */
public record OrderFact(String orderId, String counterpartyId, long placedAt, OrderStatus status, Long shippedAt,
                        Long cancelledAt, Actor cancelledBy, String cancelReason, SellerComment comment, Integer stars) {

    public OrderFact(String orderId, String counterpartyId, long placedAt, OrderStatus status, Long shippedAt,
                     Long cancelledAt, Actor cancelledBy, String cancelReason, SellerComment comment) {
        this(orderId, counterpartyId, placedAt, status, shippedAt, cancelledAt, cancelledBy, cancelReason, comment, null);
    }
}
