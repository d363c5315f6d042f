package market.resale.support.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the support console's page (served at {@code /console/index.html}) finds what it calls, as the
 * agent's browser reaches them: the token issuer it signs in with, and the public APIs it reads and writes.
 *
 * @param issuerUrl    the OAuth 2 authorization server (authorize and token endpoints)
 * @param clientId     the console's public client there (authorization code with PKCE)
 * @param ordersUrl    orders-service (the order and its timeline)
 * @param messagingUrl messaging-service (the conversation)
 * @param creditsUrl   credits-service (the buyer's ledger: the credit a cancellation issued)
 */
@ConfigurationProperties("app.console")
public record ConsoleSettings(@DefaultValue("http://127.0.0.1:8090") String issuerUrl,
                              @DefaultValue("support-console") String clientId,
                              @DefaultValue("http://127.0.0.1:8081") String ordersUrl,
                              @DefaultValue("http://127.0.0.1:8084") String messagingUrl,
                              @DefaultValue("http://127.0.0.1:8083") String creditsUrl) {
}
