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
            // Issue 16, point 1: the carrier it speaks for, which shipping-service binds its scans and reads to.
            assertThat(claims.getStringClaim("carrier")).isEqualTo("UPS");

            var impersonating = token(app, "carrier-gateway", "carrier-gateway-secret", Map.of("user", "buyer-ann", "roles", "SUPPORT"));
            assertThat(impersonating.statusCode()).isEqualTo(400);
            assertThat(impersonating.body()).contains("invalid_request").contains("may not ask for tokens on behalf of a user");
        }
    }

    /** Local tools may mint a carrier's token for tests and the demo; a carrier claim only with the CARRIER role. */
    @Test
    void aCarrierClaimGoesWithTheCarrierRoleOnly() throws Exception {
        try (var app = start(state.resolve("key.json"))) {
            var carrier = token(app, "local-tools", "local-tools-secret", Map.of("user", "usps-gw", "roles", "CARRIER", "carrier", "USPS"));
            assertThat(verified(app, carrier).getJWTClaimsSet().getStringClaim("carrier")).isEqualTo("USPS");
            var buyer = token(app, "local-tools", "local-tools-secret", Map.of("user", "buyer-ann", "roles", "BUYER", "carrier", "USPS"));
            assertThat(buyer.statusCode()).isEqualTo(400);
            assertThat(buyer.body()).contains("carrier is for a CARRIER token only");
            var plain = token(app, "local-tools", "local-tools-secret", Map.of("user", "buyer-ann", "roles", "BUYER"));
            assertThat(verified(app, plain).getJWTClaimsSet().getClaim("carrier")).isNull();
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
            // Anything else: the login page for a stranger (and nothing for a signed-in user either: denied).
            var env = HTTP.send(HttpRequest.newBuilder(URI.create(url(app, "/actuator/env"))).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(env.statusCode()).isEqualTo(302);
            assertThat(env.headers().firstValue("Location").orElseThrow()).endsWith("/login");
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

    /** The support console's flow, as a browser runs it: authorize, the login page, back with a code, the code for a token. */
    @Test
    void anAgentSignsInOnTheLoginPageAndThePageGetsTheirTokenWithPkce() throws Exception {
        try (var app = start(state.resolve("key.json"))) {
            var browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
            var verifier = "a-verifier-of-the-console-page-that-is-long-enough-0123456789";
            var challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            var redirect = "http://127.0.0.1:8086/console/index.html";
            var authorize = url(app, "/oauth2/authorize") + "?response_type=code&client_id=support-console&scope=cases&state=s1"
                    + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                    + "&code_challenge=" + challenge + "&code_challenge_method=S256";
            var toLogin = browser.send(HttpRequest.newBuilder(URI.create(authorize)).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(toLogin.statusCode()).isEqualTo(302);
            assertThat(toLogin.headers().firstValue("Location").orElseThrow()).endsWith("/login");
            var loginPage = browser.send(HttpRequest.newBuilder(URI.create(url(app, "/login"))).build(), HttpResponse.BodyHandlers.ofString());
            var csrf = loginPage.body().replaceAll("(?s).*name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\".*", "$1");
            var signedIn = browser.send(HttpRequest.newBuilder(URI.create(url(app, "/login")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=agent-ada&password=agent-ada-password&_csrf=" + csrf)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(signedIn.statusCode()).isEqualTo(302);
            var back = browser.send(HttpRequest.newBuilder(URI.create(signedIn.headers().firstValue("Location").orElseThrow())).build(),
                    HttpResponse.BodyHandlers.discarding());
            var location = back.headers().firstValue("Location").orElseThrow();
            assertThat(location).startsWith(redirect + "?code=").contains("state=s1");
            var code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");

            var exchange = HTTP.send(HttpRequest.newBuilder(URI.create(url(app, "/oauth2/token")))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://127.0.0.1:8086")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&client_id=support-console&code=" + code
                            + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&code_verifier=" + verifier)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(exchange.headers().firstValue("Access-Control-Allow-Origin")).contains("http://127.0.0.1:8086");
            var claims = verified(app, exchange).getJWTClaimsSet();
            assertThat(claims.getSubject()).isEqualTo("agent-ada");
            assertThat(claims.getStringListClaim("roles")).containsExactly("SUPPORT");
            assertThat(claims.getAudience()).containsExactly("order-cancellation");

            // Signing out ends the session (the next authorize asks for the password again) and returns only to a console page.
            var signedOut = browser.send(HttpRequest.newBuilder(URI.create(url(app, "/logout?redirect_uri="
                    + URLEncoder.encode(redirect, StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(signedOut.headers().firstValue("Location")).contains(redirect);
            var again = browser.send(HttpRequest.newBuilder(URI.create(authorize)).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(again.headers().firstValue("Location").orElseThrow()).endsWith("/login");
            var elsewhere = browser.send(HttpRequest.newBuilder(URI.create(url(app, "/logout?redirect_uri="
                    + URLEncoder.encode("https://evil.test/console/index.html", StandardCharsets.UTF_8)))).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(elsewhere.headers().firstValue("Location").orElseThrow()).endsWith("/login?logout");

            // A wrong password gets no code at all, only the login page again.
            var stranger = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).build();
            var page = stranger.send(HttpRequest.newBuilder(URI.create(url(app, "/login"))).build(), HttpResponse.BodyHandlers.ofString());
            var strangerCsrf = page.body().replaceAll("(?s).*name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\".*", "$1");
            var wrongPassword = stranger.send(HttpRequest.newBuilder(URI.create(url(app, "/login")))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=agent-ada&password=guess&_csrf=" + strangerCsrf)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(wrongPassword.headers().firstValue("Location").orElse("")).contains("/login?error");
        }
    }
}
