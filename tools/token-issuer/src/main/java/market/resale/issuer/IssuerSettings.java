package market.resale.issuer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the issuer puts in its tokens beyond Spring Authorization Server's standard claims.
 *
 * @param audience the {@code aud} of every access token: the services accept only this audience
 * @param keyFile  the signing key (a JWK with its private part). Read at start; when the file does not
 *                 exist a new RSA key is generated and written there (owner-only), so that tokens stay
 *                 valid across restarts. Unset: a key generated for this run only.
 * @param clients  per registered client (by client id): the roles its own tokens carry, and whether it
 *                 may ask for tokens on behalf of a user ({@code user} and {@code roles} parameters of a
 *                 client-credentials request: the demo, test and load tools of the local stack)
 * @param users       who may sign in (authorization code with PKCE, the support console), by user id
 * @param corsOrigins the browser origins that may call the token endpoint (the support console's)
 */
@ConfigurationProperties("app.issuer")
public record IssuerSettings(@DefaultValue("order-cancellation") String audience, String keyFile,
                             @DefaultValue Map<String, ClientPolicy> clients, @DefaultValue Map<String, UserAccount> users,
                             @DefaultValue List<String> corsOrigins) {

    /**
     * @param carrier the carrier a carrier's client speaks for (its tokens' {@code carrier} claim: shipping-service lets it
     *                scan and read only that carrier's parcels); null for other clients
     */
    public record ClientPolicy(@DefaultValue List<String> roles, boolean actsForUsers, String carrier) {
    }

    /** A person who signs in on the issuer's login page (the support console's agents): password and roles. */
    public record UserAccount(String password, @DefaultValue List<String> roles) {
    }

    /** The key file, or null when none is named. */
    Path keyPath() {
        return keyFile == null || keyFile.isBlank() ? null : Path.of(keyFile);
    }

    ClientPolicy policy(String clientId) {
        return clients.getOrDefault(clientId, new ClientPolicy(List.of(), false, null));
    }
}
