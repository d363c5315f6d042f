package market.resale.platform.security;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The authenticated user behind a request: the token's subject and roles, and for a carrier's client the carrier it
 * speaks for (the token's {@code carrier} claim; null when there is none).
 */
public record Caller(String userId, Set<Role> roles, String carrier) {

    public Caller(String userId, Set<Role> roles) {
        this(userId, roles, null);
    }

    public static Caller of(Authentication authentication) {
        var roles = EnumSet.noneOf(Role.class);
        for (var authority : authentication.getAuthorities()) {
            for (var role : Role.values()) {
                if (role.authority().equals(authority.getAuthority())) {
                    roles.add(role);
                }
            }
        }
        if (authentication instanceof JwtAuthenticationToken jwt) {
            return new Caller(jwt.getToken().getSubject(), Set.copyOf(roles), jwt.getToken().getClaimAsString("carrier"));
        }
        return new Caller(authentication.getName(), Set.copyOf(roles), null);
    }

    public boolean is(Role role) {
        return roles.contains(role);
    }

    /** A carrier's client speaking for {@code carrierName}. */
    public boolean isCarrier(String carrierName) {
        return is(Role.CARRIER) && carrier != null && carrier.equals(carrierName);
    }
}
