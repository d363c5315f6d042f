package market.resale.platform.security;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What a token must be, in every profile, on top of what Spring Boot's issuer/JWKS
 * decoder ({@code spring.security.oauth2.resourceserver.jwt.*}) checks: the signature against the
 * JWKS, {@code iss} against {@code issuer-uri}, {@code aud} against {@code audiences}, {@code exp} and
 * {@code nbf} (60 s skew). Boot adds every {@code OAuth2TokenValidator<Jwt>} bean to those checks; this
 * one refuses a token without {@code exp} (Spring's timestamp check lets one through) or without a
 * subject (the user id every ownership check reads), or whose subject is not an id ({@link market.resale.platform.Ids}).
 *
 * <p>And at start-up: the identity provider's keys ({@code jwk-set-uri} or {@code issuer-uri}) and a
 * non-empty {@code audiences} (the services default it to {@code order-cancellation} in their configuration), so
 * that a token minted by the same identity provider for another application is not accepted here.
 */
public final class JwtPolicy implements OAuth2TokenValidator<Jwt> {

    public static final String AUDIENCES = "spring.security.oauth2.resourceserver.jwt.audiences";
    public static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";
    public static final String JWK_SET_URI = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";

    private static final Logger log = LoggerFactory.getLogger(JwtPolicy.class);

    /** Fails start-up on a configuration that would accept tokens it should not, or none at all. */
    static JwtPolicy checked(Environment environment) {
        var binder = Binder.get(environment);
        if (binder.bind("app.security.dev-secret", String.class).isBound()) {
            throw new IllegalStateException("app.security.dev-secret is gone: no service holds a signing secret. Tokens come from "
                    + "the identity provider (the local stack's token-issuer) and are validated through " + JWK_SET_URI);
        }
        var audiences = binder.bind(AUDIENCES, Bindable.listOf(String.class)).orElse(List.of()).stream()
                .filter(a -> !a.isBlank()).toList();
        if (audiences.isEmpty()) {
            throw new IllegalStateException(AUDIENCES + " must name the audience this service's tokens are issued for "
                    + "(the services default it to order-cancellation)");
        }
        var jwkSetUri = binder.bind(JWK_SET_URI, String.class).map(String::isBlank).map(blank -> !blank).orElse(false);
        var issuerUri = binder.bind(ISSUER_URI, String.class).map(String::isBlank).map(blank -> !blank).orElse(false);
        if (!jwkSetUri && !issuerUri) {
            throw new IllegalStateException("Neither " + JWK_SET_URI + " nor " + ISSUER_URI + " is set: the service would have no "
                    + "key to check tokens with (TOKEN_ISSUER_URL in the local profile; the identity provider's in production)");
        }
        if (!issuerUri) {
            log.warn("{} is not set: tokens are checked against the JWKS, audience {} and expiry, but not their issuer",
                    ISSUER_URI, audiences);
        }
        return new JwtPolicy();
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt jwt) {
        if (jwt.getExpiresAt() == null) {
            return failure("The token has no expiry (exp)");
        }
        if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
            return failure("The token has no subject (sub)");
        }
        if (!market.resale.platform.Ids.valid(jwt.getSubject())) {
            // Keys are built from user ids: one this system cannot represent could read another user's entries.
            return failure("The token's subject is not a user id this system can represent ("
                    + market.resale.platform.Ids.DESCRIPTION + ")");
        }
        return OAuth2TokenValidatorResult.success();
    }

    private static OAuth2TokenValidatorResult failure(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, description, null));
    }
}
