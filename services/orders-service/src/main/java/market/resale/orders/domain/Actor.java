package market.resale.orders.domain;

/**
 * Who asks for a cancellation. {@code SELLER_APPROVED}: the seller approved the buyer's request in
 * messaging; {@code SUPPORT}: an agent ordered it as the outcome of a help-center case.
 */
public enum Actor {
    BUYER, SELLER, SUPPORT, SELLER_APPROVED
}
