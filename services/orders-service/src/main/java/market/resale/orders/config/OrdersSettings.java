package market.resale.orders.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param buyerWindow         how long after placedAt a buyer may cancel on their own (rule 1)
 * @param expiryCheckInterval how often the window timer looks for windows that have just closed
 * @param expiryBatch         most windows closed per timer tick (keeps each transaction small)
 * @param decisionWait        how long a confirmation waits for its decision before answering 202
 * @param windowReminder      how long before the buyer's window closes the buyer is reminded (0: no reminder)
 * @param answerRetention     how long the answer to a cancellation is kept for a retry with the same Idempotency-Key,
 *                            however many cancellations the order gets in between
 * @param earlyShipmentRetention how long a shipment whose order has not been placed waits for its placement before it
 *                            is forgotten (an order that never arrives)
 * @param shipBy              how long after placedAt the seller has to ship; past it the buyer may cancel with
 *                            SELLER_DID_NOT_SHIP (rule 13)
 * @param shipByReminder      how long before the ship-by deadline the seller is reminded (0: no reminder)
 * @param reputation          the buyer record and seller signals (rule 9)
 */
@ConfigurationProperties("app.orders")
public record OrdersSettings(
        @DefaultValue("3h") Duration buyerWindow,
        @DefaultValue("1s") Duration expiryCheckInterval,
        @DefaultValue("10000") int expiryBatch,
        @DefaultValue("5s") Duration decisionWait,
        @DefaultValue("30m") Duration windowReminder,
        @DefaultValue("7d") Duration answerRetention,
        @DefaultValue("30d") Duration earlyShipmentRetention,
        @DefaultValue("7d") Duration shipBy,
        @DefaultValue("1d") Duration shipByReminder,
        @DefaultValue Reputation reputation) {

    /** The cancellation rules with these settings' numbers. */
    public market.resale.orders.domain.CancellationPolicy policy() {
        return new market.resale.orders.domain.CancellationPolicy(buyerWindow, shipBy);
    }

    /**
     * @param period           the look-back of records and signals
     * @param warnRate         a buyer whose cancellation rate is above this is warned before cancelling
     * @param warnMinPurchases fewer purchases than this in the period never warn (one cancellation of two is no pattern)
     */
    public record Reputation(
            @DefaultValue("90d") Duration period,
            @DefaultValue("0.3") double warnRate,
            @DefaultValue("3") int warnMinPurchases) {
    }
}
