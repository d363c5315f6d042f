package market.resale.shipping.domain;

/** The cancellation orders-service decided for the order. */
public record Cancellation(String commandId, long cancelledAt) {
}
