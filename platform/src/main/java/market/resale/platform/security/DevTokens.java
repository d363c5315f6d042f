package market.resale.platform.security;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import market.resale.platform.web.ApiProblem;
import org.springframework.context.annotation.Profile;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mints tokens for demo users. Exists only in the {@code local} profile (the bean is not created
 * anywhere else, so the path answers 401/404 there); production tokens come from the real issuer.
 */
@RestController
@Profile("local")
public class DevTokens {

    public record TokenRequest(String userId, List<String> roles) {
    }

    public record TokenResponse(String token, String tokenType, long expiresIn) {
    }

    private final NimbusJwtEncoder encoder;
    private final SecuritySettings settings;
    private final Clock clock;

    public DevTokens(SecuritySettings settings, Clock clock) {
        if (!settings.hasDevSecret()) {
            throw new IllegalStateException("The local profile needs app.security.dev-secret");
        }
        this.settings = settings;
        this.clock = clock;
        this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(SecurityConfiguration.secretKey(settings)));
    }

    @io.swagger.v3.oas.annotations.Operation(summary = "Mint a token for any user and roles (local profile only: absent, and not documented, anywhere else)")
    @PostMapping("/dev/tokens")
    public TokenResponse mint(@RequestBody TokenRequest request) {
        if (request.userId() == null || request.userId().isBlank() || !request.userId().matches("[A-Za-z0-9._-]{1,64}")) {
            throw ApiProblem.badRequest("invalid-user", "userId must be 1-64 letters, digits, '.', '_' or '-'");
        }
        var roles = request.roles() == null ? List.<String>of() : request.roles();
        for (var role : roles) {
            if (role == null) {
                throw ApiProblem.badRequest("invalid-role", "A role is null; use BUYER, SELLER, SUPPORT or CARRIER");
            }
            try {
                Role.valueOf(role);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("invalid-role", "Unknown role " + role + "; use BUYER, SELLER, SUPPORT or CARRIER");
            }
        }
        var now = clock.instant();
        var claims = JwtClaimsSet.builder()
                .issuer("local-dev")
                .subject(request.userId())
                .issuedAt(now)
                .expiresAt(now.plus(settings.devTokenTtl()))
                .claims(c -> c.putAll(Map.of("roles", roles)))
                .build();
        var token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims));
        return new TokenResponse(token.getTokenValue(), "Bearer", settings.devTokenTtl().toSeconds());
    }
}
