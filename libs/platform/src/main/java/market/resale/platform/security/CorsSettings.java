package market.resale.platform.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Browser pages of other origins that may call this service's API (the support console, served by
 * support-service, reads orders, conversations and credits from the page). Empty (the default): no
 * cross-origin calls.
 *
 * @param allowedOrigins exact origins, such as {@code https://support.example.com}
 */
@ConfigurationProperties("app.cors")
public record CorsSettings(@DefaultValue List<String> allowedOrigins) {
}
