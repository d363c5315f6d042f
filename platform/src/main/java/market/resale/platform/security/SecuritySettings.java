package market.resale.platform.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param devSecret  HMAC secret of locally minted tokens; set only in the {@code local} profile. Without
 *                   it the service validates tokens through {@code spring.security.oauth2.resourceserver.jwt.*}
 *                   (issuer / JWKS), as in production.
 * @param devTokenTtl lifetime of a dev token
 */
@ConfigurationProperties("app.security")
public record SecuritySettings(String devSecret, @DefaultValue("8h") Duration devTokenTtl) {

    public boolean hasDevSecret() {
        return devSecret != null && !devSecret.isBlank();
    }
}
