package market.resale.orders.domain;

/** Who asks for a cancellation. */
public enum Actor {
    BUYER, SELLER, SUPPORT
}
