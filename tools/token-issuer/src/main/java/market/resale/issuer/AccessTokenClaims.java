package market.resale.issuer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * The claims the services read, on every access token: {@code aud} (the services' audience),
 * {@code sub} (the user id every ownership check compares) and {@code roles}.
 *
 * <p>A person who signed in (authorization code: the support console's agents) gets their user id and roles.
 * A client's own token has its client id as subject and the roles configured for it. A client that
 * may act for users (the local stack's demo, test and load tools) asks with {@code user=<id>} and
 * {@code roles=<ROLE ...>} on its client-credentials request and gets a token for that user; any other
 * client asking so is refused, as is a malformed user id or an unknown role ({@code invalid_request}).
 */
final class AccessTokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final Set<String> ROLES = Set.of("BUYER", "SELLER", "SUPPORT", "CARRIER");
    static final String CARRIER_CLAIM = "carrier";
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final IssuerSettings settings;

    AccessTokenClaims(IssuerSettings settings) {
        this.settings = settings;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            return;
        }
        var clientId = context.getRegisteredClient().getClientId();
        var policy = settings.policy(clientId);
        var subject = clientId;
        var roles = policy.roles();
        var carrier = policy.carrier();
        if (!(context.getPrincipal() instanceof OAuth2ClientAuthenticationToken)) {
            // A person signed in on the login page (the console's agent, authorization code): their id, their roles.
            var user = context.getPrincipal();
            subject = user.getName();
            roles = user.getAuthorities().stream().map(a -> a.getAuthority().replaceFirst("^ROLE_", ""))
                    .filter(ROLES::contains).sorted().toList();
        } else if (context.getAuthorizationGrant() instanceof OAuth2ClientCredentialsAuthenticationToken grant
                && grant.getAdditionalParameters().containsKey("user")) {
            if (!policy.actsForUsers()) {
                throw invalid("Client " + clientId + " may not ask for tokens on behalf of a user");
            }
            subject = single(grant.getAdditionalParameters().get("user"));
            if (subject == null || !USER_ID.matcher(subject).matches()) {
                throw invalid("user must be 1-64 letters, digits, '.', '_' or '-'");
            }
            roles = roles(grant.getAdditionalParameters().get("roles"));
            carrier = single(grant.getAdditionalParameters().get("carrier"));
            if (carrier != null && (!roles.contains("CARRIER") || !USER_ID.matcher(carrier).matches())) {
                throw invalid("carrier is for a CARRIER token only, 1-64 letters, digits, '.', '_' or '-'");
            }
        }
        context.getClaims().subject(subject).audience(List.of(settings.audience())).claim("roles", roles);
        if (carrier != null && roles.contains("CARRIER")) {
            // The carrier this token speaks for: shipping-service binds scans and shipment reads to it.
            context.getClaims().claim(CARRIER_CLAIM, carrier);
        }
    }

    private static List<String> roles(Object parameter) {
        var values = new ArrayList<String>();
        if (parameter instanceof String value) {
            values.add(value);
        } else if (parameter instanceof String[] array) {
            values.addAll(Arrays.asList(array));
        } else if (parameter instanceof Collection<?> collection) {
            collection.forEach(v -> values.add(String.valueOf(v)));
        }
        var roles = values.stream().flatMap(v -> Arrays.stream(v.split("[ ,]+"))).filter(r -> !r.isEmpty()).distinct().toList();
        for (var role : roles) {
            if (!ROLES.contains(role)) {
                throw invalid("Unknown role " + role + "; use BUYER, SELLER, SUPPORT or CARRIER");
            }
        }
        return roles;
    }

    private static String single(Object parameter) {
        return parameter instanceof String value ? value : null;
    }

    private static OAuth2AuthenticationException invalid(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, description, null));
    }
}
