package market.resale.orders.domain;

/**
 * How an order was cancelled; {@code reference} is the approved request or the support case, if any; {@code note} what
 * the one who cancelled wrote to the other party, if anything.
 */
public record Cancellation(String commandId, Actor actor, String actorId, String reason, long cancelledAt, long refundCents,
                           String reference, String note) {
}
