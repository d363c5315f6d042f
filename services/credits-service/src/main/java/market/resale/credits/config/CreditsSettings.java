package market.resale.credits.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param decisionWait    how long a redemption request waits for its outcome before answering 202
 * @param maxRedemptionCents the largest single redemption accepted over HTTP
 */
@ConfigurationProperties("app.credits")
public record CreditsSettings(@DefaultValue("5s") Duration decisionWait,
                              @DefaultValue("100000000") long maxRedemptionCents) {
}
