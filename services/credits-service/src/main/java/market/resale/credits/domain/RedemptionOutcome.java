package market.resale.credits.domain;

import market.resale.platform.kafka.SourceOffset;

/**
 * The answer to one redemption request, kept by its idempotency key so a retry gets the same answer.
 *
 * @param source the request record it was decided from: the answer waits until that record's processing committed
 */
public record RedemptionOutcome(String requestId, String userId, String orderId, boolean redeemed, String refusal,
                                long amountCents, String currency, long balanceAfterCents, String entryId, long decidedAt,
                                SourceOffset source) {

    /** Whether this is the answer to a request for this order, amount and currency (the same key with another body is not). */
    public boolean answers(String requestOrderId, long requestAmountCents, String requestCurrency) {
        return orderId.equals(requestOrderId) && amountCents == requestAmountCents && currency.equals(requestCurrency);
    }
}
