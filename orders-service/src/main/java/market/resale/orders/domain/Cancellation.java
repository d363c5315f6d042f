package market.resale.orders.domain;

public record Cancellation(String commandId, Actor actor, String actorId, String reason, long cancelledAt, long refundCents) {
}
