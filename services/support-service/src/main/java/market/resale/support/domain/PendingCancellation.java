package market.resale.support.domain;

/** A cancellation an agent ordered and orders-service has not answered yet. */
public record PendingCancellation(String commandId, String reason, String agentId, String note, long orderedAt) {
}
