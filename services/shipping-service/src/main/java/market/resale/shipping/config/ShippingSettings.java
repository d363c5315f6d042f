package market.resale.shipping.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param scansKept         scans kept per shipment for its history (older ones are dropped; their records stay on the topic)
 * @param scanIdsRemembered scan ids remembered per shipment to recognise a redelivered scan (at least {@code scansKept})
 * @param publishTimeout    how long the carrier webhook waits for the broker before answering 503 (the carrier retries;
 *                          a scan that was stored after all is recognised by its id)
 * @param unplacedRetention how long the shipment of scans whose order was never placed waits for its placement before
 *                          it is forgotten (a parcel checkout never told of)
 */
@ConfigurationProperties("app.shipping")
public record ShippingSettings(
        @DefaultValue("50") int scansKept,
        @DefaultValue("500") int scanIdsRemembered,
        @DefaultValue("10s") Duration publishTimeout,
        @DefaultValue("30d") Duration unplacedRetention) {
}
