package market.resale.orders.domain;

/** How an order was cancelled; {@code reference} is the approved request or the support case, if any. */
public record Cancellation(String commandId, Actor actor, String actorId, String reason, long cancelledAt, long refundCents,
                           String reference) {
}
