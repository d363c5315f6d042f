package market.resale.systemtests;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

/** A tiny identity provider: an RSA key generated here, its JWKS served over HTTP, and tokens signed with it. */
final class AuthzIdentityProvider implements AutoCloseable {

    static final String AUDIENCE = "order-cancellation";

    private final HttpServer server;
    private final RSAKey key;
    final String issuer;
    final String jwkSetUri;

    AuthzIdentityProvider() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("authz-idp").generate();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/resale";
        jwkSetUri = issuer + "/protocol/openid-connect/certs";
        var jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/realms/resale/protocol/openid-connect/certs", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        server.start();
    }

    String token(String subject, List<String> roles, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        return sign(key, subject, roles, change);
    }

    /** Claims as the provider would issue them, signed with a key that is not in its JWKS. */
    String forged(String subject, List<String> roles) throws Exception {
        return sign(new RSAKeyGenerator(2048).keyID("authz-idp").generate(), subject, roles, c -> { });
    }

    private String sign(RSAKey signer, String subject, List<String> roles, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        var now = Instant.now();
        var claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).claim("roles", roles);
        change.accept(claims);
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).type(JOSEObjectType.JWT)
                .build(), claims.build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
