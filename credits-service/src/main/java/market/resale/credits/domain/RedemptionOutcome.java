package market.resale.credits.domain;

/** The answer to one redemption request, kept by its idempotency key so a retry gets the same answer. */
public record RedemptionOutcome(String requestId, String userId, String orderId, boolean redeemed, String refusal,
                                long amountCents, String currency, long balanceAfterCents, String entryId, long decidedAt) {
}
