package market.resale.issuer;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The local stack's identity provider: Spring Authorization Server issuing RS256 JWTs for the demo's
 * users and clients, its public keys at {@code /oauth2/jwks}. The services trust nothing else: they
 * validate every token through this JWKS (or, in production, the company's identity provider's).
 */
@SpringBootApplication
@EnableConfigurationProperties(IssuerSettings.class)
public class TokenIssuerApplication {

    public static void main(String[] args) {
        new SpringApplicationBuilder(TokenIssuerApplication.class).properties("spring.config.name=token-issuer").run(args);
    }
}
