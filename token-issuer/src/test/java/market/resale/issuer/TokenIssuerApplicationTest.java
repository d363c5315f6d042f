package market.resale.issuer;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/** The issuer as the local stack runs it: its real configuration, on a free port of 127.0.0.1. */
class TokenIssuerApplicationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path state;

    private static ConfigurableApplicationContext start(Path keyFile) {
        // As command-line arguments, which take precedence over token-issuer.yml.
        return new SpringApplicationBuilder(TokenIssuerApplication.class).properties("spring.config.name=token-issuer").run(
                "--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                "--spring.security.oauth2.authorizationserver.issuer=http://issuer.test", "--app.issuer.key-file=" + keyFile);
    }

    private static String url(ConfigurableApplicationContext app, String path) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort() + path;
    }

    private static HttpResponse<String> token(ConfigurableApplicationContext app, String client, String secret,
                                              Map<String, String> parameters) throws Exception {
        var form = new StringBuilder("grant_type=client_credentials");
        parameters.forEach((k, v) -> form.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        var basic = Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(app, "/oauth2/token")))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static SignedJWT verified(ConfigurableApplicationContext app, HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        var jwt = SignedJWT.parse(JSON.readTree(answer.body()).get("access_token").asString());
        var jwks = JWKSet.parse(HTTP.send(HttpRequest.newBuilder(URI.create(url(app, "/oauth2/jwks"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        var key = jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("the token's key is in the JWKS").isNotNull();
        assertThat(key.isPrivate()).as("the JWKS publishes no private part").isFalse();
        assertThat(jwt.verify(new RSASSAVerifier(key.toRSAKey()))).isTrue();
        return jwt;
    }

    @Test
    void theLocalToolsClientGetsATokenForAUserWithTheClaimsTheServicesRead() throws Exception {
        try (var app = start(state.resolve("key.json"))) {
            var jwt = verified(app, token(app, "local-tools", "local-tools-secret", Map.of("user", "buyer-ann", "roles", "BUYER SELLER")));
            var claims = jwt.getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("buyer-ann");
            assertThat(claims.getAudience()).containsExactly("order-cancellation");
            assertThat(claims.getIssuer()).isEqualTo("http://issuer.test");
            assertThat(claims.getStringListClaim("roles")).containsExactly("BUYER", "SELLER");
            assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
        }
    }

    @Test
    void aMachineClientGetsItsOwnIdentityAndRolesAndMayNotActForAUser() throws Exception {
        try (var app = start(state.resolve("key.json"))) {
            var claims = verified(app, token(app, "carrier-gateway", "carrier-gateway-secret", Map.of())).getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("carrier-gateway");
            assertThat(claims.getStringListClaim("roles")).containsExactly("CARRIER");
            assertThat(claims.getAudience()).containsExactly("order-cancellation");

            var impersonating = token(app, "carrier-gateway", "carrier-gateway-secret", Map.of("user", "buyer-ann", "roles", "SUPPORT"));
            assertThat(impersonating.statusCode()).isEqualTo(400);
            assertThat(impersonating.body()).contains("invalid_request").contains("may not ask for tokens on behalf of a user");
        }
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        try (var app = start(state.resolve("key.json"))) {
            var refusals = new LinkedHashMap<String, HttpResponse<String>>();
            refusals.put("unknown role", token(app, "local-tools", "local-tools-secret", Map.of("user", "ann", "roles", "ADMIN")));
            refusals.put("bad user id", token(app, "local-tools", "local-tools-secret", Map.of("user", "ann smith", "roles", "BUYER")));
            refusals.put("empty user id", token(app, "local-tools", "local-tools-secret", Map.of("user", "", "roles", "BUYER")));
            for (var refusal : refusals.entrySet()) {
                assertThat(refusal.getValue().statusCode()).as(refusal.getKey()).isEqualTo(400);
                assertThat(refusal.getValue().body()).as(refusal.getKey()).contains("invalid_request");
            }
            assertThat(token(app, "local-tools", "not-the-secret", Map.of("user", "ann", "roles", "BUYER")).statusCode()).isEqualTo(401);
            assertThat(token(app, "nobody", "secret", Map.of()).statusCode()).isEqualTo(401);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(url(app, "/actuator/health/readiness"))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(url(app, "/actuator/env"))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isIn(401, 403);
        }
    }

    @Test
    void theSigningKeyIsKeptInItsFileSoTokensOutliveARestart() throws Exception {
        var keyFile = state.resolve("issuer/signing-key.json");
        SignedJWT before;
        try (var app = start(keyFile)) {
            before = verified(app, token(app, "local-tools", "local-tools-secret", Map.of("user", "ann", "roles", "BUYER")));
        }
        assertThat(Files.getPosixFilePermissions(keyFile)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        try (var app = start(keyFile)) {
            var jwks = JWKSet.parse(HTTP.send(HttpRequest.newBuilder(URI.create(url(app, "/oauth2/jwks"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            var key = jwks.getKeyByKeyId(before.getHeader().getKeyID());
            assertThat(key).as("the same key after a restart").isNotNull();
            assertThat(before.verify(new RSASSAVerifier(key.toRSAKey()))).isTrue();
        }
    }
}
