package market.resale.orders.stream;

import market.resale.orders.domain.Order;
import market.resale.orders.domain.OrderStatus;

/**
 * One line of a buyer's purchases or a seller's sales, re-keyed by the party so that all of one
 * party's orders sit in one partition of the {@code party-orders} store.
 */
public record PartyOrder(String role, String partyId, String orderId, String title, String size, String condition,
                         long totalCents, String currency, long placedAt, OrderStatus status, long version) {

    public static final String BUYER = "BUYER";
    public static final String SELLER = "SELLER";

    static PartyOrder of(String role, Order order) {
        return new PartyOrder(role, BUYER.equals(role) ? order.buyerId() : order.sellerId(), order.orderId(),
                order.item().title(), order.item().size(), order.item().condition(), order.amounts().totalCents(),
                order.amounts().currency(), order.placedAt(), order.status(), order.version());
    }

    /** Newest first: the key sorts by inverted placedAt within one party. */
    public String storeKey() {
        return prefix(role, partyId) + String.format("%019d", Long.MAX_VALUE - placedAt) + "|" + orderId;
    }

    public static String prefix(String role, String partyId) {
        return role + "|" + partyId + "|";
    }
}
