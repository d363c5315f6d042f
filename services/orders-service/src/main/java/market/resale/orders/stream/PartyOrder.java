package market.resale.orders.stream;

import market.resale.orders.domain.Actor;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.OrderFact;
import market.resale.orders.domain.OrderStatus;
import market.resale.orders.domain.SellerComment;

/**
 * One line of a buyer's purchases or a seller's sales, re-keyed by the party so that all of one
 * party's orders sit in one partition of the {@code party-orders} store. It carries what the
 * party's reputation is computed from (rule 9), so a record or signals are one prefix scan.
 */
public record PartyOrder(String role, String partyId, String orderId, String title, String size, String condition,
                         long totalCents, String currency, long placedAt, OrderStatus status, long version,
                         String counterpartyId, Long shippedAt, Long cancelledAt, Actor cancelledBy, String cancelReason,
                         SellerComment comment, Integer stars) {

    public static final String BUYER = "BUYER";
    public static final String SELLER = "SELLER";

    static PartyOrder of(String role, Order order) {
        var buyerSide = BUYER.equals(role);
        var c = order.cancellation();
        return new PartyOrder(role, buyerSide ? order.buyerId() : order.sellerId(), order.orderId(),
                order.item().title(), order.item().size(), order.item().condition(), order.amounts().totalCents(),
                order.amounts().currency(), order.placedAt(), order.status(), order.version(),
                buyerSide ? order.sellerId() : order.buyerId(),
                order.shipment() == null ? null : order.shipment().shippedAt(),
                c == null ? null : c.cancelledAt(), c == null ? null : c.actor(), c == null ? null : c.reason(),
                order.sellerComment(), order.rating() == null ? null : order.rating().stars());
    }

    public OrderFact fact() {
        return new OrderFact(orderId, counterpartyId, placedAt, status, shippedAt, cancelledAt, cancelledBy, cancelReason,
                comment, stars);
    }

    /** Newest first: the key sorts by inverted placedAt within one party. */
    public String storeKey() {
        return prefix(role, partyId) + String.format("%019d", Long.MAX_VALUE - placedAt) + "|" + orderId;
    }

    public static String prefix(String role, String partyId) {
        return role + "|" + partyId + "|";
    }
}
