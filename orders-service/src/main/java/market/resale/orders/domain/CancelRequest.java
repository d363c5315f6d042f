package market.resale.orders.domain;

/**
 * A confirmed cancellation as orders-service received it.
 *
 * @param expectedVersion the order version the caller was shown; null when the caller did not look first
 * @param requestedAt     when the caller confirmed; the window is judged at this instant, not when the
 *                        record happens to be processed
 * @param reference       the buyer's request a seller approved, or the case a support agent decided; null otherwise
 */
public record CancelRequest(String commandId, Actor actor, String actorId, String reason, Long expectedVersion,
                            long requestedAt, String reference) {
}
