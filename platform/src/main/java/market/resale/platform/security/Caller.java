package market.resale.platform.security;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** The authenticated user behind a request: the token's subject and roles. */
public record Caller(String userId, Set<Role> roles) {

    public static Caller of(Authentication authentication) {
        var roles = EnumSet.noneOf(Role.class);
        for (var authority : authentication.getAuthorities()) {
            for (var role : Role.values()) {
                if (role.authority().equals(authority.getAuthority())) {
                    roles.add(role);
                }
            }
        }
        var subject = authentication instanceof JwtAuthenticationToken jwt ? jwt.getToken().getSubject() : authentication.getName();
        return new Caller(subject, Set.copyOf(roles));
    }

    public boolean is(Role role) {
        return roles.contains(role);
    }
}
