package market.resale.orders.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param buyerWindow         how long after placedAt a buyer may cancel on their own (rule 1)
 * @param expiryCheckInterval how often the window timer looks for windows that have just closed
 * @param expiryBatch         most windows closed per timer tick (keeps each transaction small)
 * @param decisionWait        how long a confirmation waits for its decision before answering 202
 */
@ConfigurationProperties("app.orders")
public record OrdersSettings(
        @DefaultValue("3h") Duration buyerWindow,
        @DefaultValue("1s") Duration expiryCheckInterval,
        @DefaultValue("10000") int expiryBatch,
        @DefaultValue("5s") Duration decisionWait) {
}
