package market.resale.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import market.resale.platform.kafka.KafkaConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Token validation as in production (and, since no service holds a signing secret, in every profile): a
 * real JWKS served over HTTP by an in-test server, RSA keys generated here, and the platform's security
 * on a WebFlux server. A token is accepted only when signed by a key of the JWKS, issued by the
 * configured issuer, for the configured audience, not expired and with a subject; the {@code roles}
 * claim is mapped; and there is no way to mint a token at a service ({@code /dev/tokens} is gone).
 */
class ProductionJwtValidationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String AUDIENCE = "order-cancellation";

    private static HttpServer idp;
    private static RSAKey key;
    private static RSAKey otherKey;
    private static String issuer;
    private static ConfigurableApplicationContext app;

    @SpringBootConfiguration
    @EnableAutoConfiguration(exclude = KafkaConfiguration.class)
    @Import(WhoAmI.class)
    static class App {
        /** Each server its own event loops: closing one of the contexts here must not stop the others' (global) loops. */
        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            var factory = new ReactorResourceFactory();
            factory.setUseGlobalResources(false);
            return factory;
        }
    }

    /** Who the platform says the caller is. */
    @RestController
    static class WhoAmI {
        @GetMapping("/whoami")
        Map<String, Object> whoami(Authentication auth) {
            var caller = Caller.of(auth);
            return Map.of("userId", caller.userId(), "roles", new TreeSet<>(caller.roles().stream().map(Enum::name).toList()));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("idp-key-1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("idp-key-1").generate();
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + idp.getAddress().getPort() + "/realms/resale";
        var jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        idp.createContext("/realms/resale/protocol/openid-connect/certs", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        idp.createContext("/realms/resale/.well-known/openid-configuration", exchange -> {
            var body = ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/protocol/openid-connect/certs\","
                    + "\"subject_types_supported\":[\"public\"],\"response_types_supported\":[\"code\"],"
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        idp.start();
        app = start(Map.of(
                JwtPolicy.ISSUER_URI, issuer,
                JwtPolicy.JWK_SET_URI, issuer + "/protocol/openid-connect/certs",
                JwtPolicy.AUDIENCES, AUDIENCE));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    private static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return start(properties, null);
    }

    private static ConfigurableApplicationContext start(Map<String, Object> properties, String profile) {
        var all = new HashMap<String, Object>(properties);
        all.put("server.port", 0);
        all.put("server.address", "127.0.0.1");
        all.put("spring.main.banner-mode", "off");
        var builder = new SpringApplicationBuilder(App.class).properties(all);
        if (profile != null) {
            builder.profiles(profile);
        }
        return builder.run();
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext context, String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postDevTokens(ConfigurableApplicationContext context) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + "/dev/tokens"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"mallory\",\"roles\":[\"SUPPORT\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A token as the identity provider issues it, changed by {@code change}. */
    private static String token(RSAKey signer, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        var now = Instant.now();
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer).subject("buyer-ann").audience(List.of(AUDIENCE, "account"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("roles", List.of("BUYER", "SELLER"));
        change.accept(claims);
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims.build());
        jwt.sign(new RSASSASigner(signer));
        return jwt.serialize();
    }

    private static String token(Consumer<JWTClaimsSet.Builder> change) throws Exception {
        return token(key, change);
    }

    @Test
    void aTokenOfTheIssuerForThisAudienceIsAcceptedAndItsRolesAreMapped() throws Exception {
        var response = get(app, "/whoami", token(c -> { }));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"userId\":\"buyer-ann\"").contains("\"roles\":[\"BUYER\",\"SELLER\"]");
        var spaceSeparated = get(app, "/whoami", token(c -> c.claim("roles", "SUPPORT carrier")));
        assertThat(spaceSeparated.body()).contains("\"roles\":[\"CARRIER\",\"SUPPORT\"]");
        var noRoles = get(app, "/whoami", token(c -> c.claim("roles", null)));
        assertThat(noRoles.statusCode()).isEqualTo(200);
        assertThat(noRoles.body()).contains("\"roles\":[]");
    }

    @Test
    void expiredWrongAudienceWrongIssuerOrAnotherKeyIsUnauthenticated() throws Exception {
        var past = Instant.now().minus(Duration.ofMinutes(10));
        var refused = Map.of(
                "expired", token(c -> c.issueTime(Date.from(past.minus(Duration.ofHours(1)))).expirationTime(Date.from(past))),
                "wrong audience", token(c -> c.audience("another-app")),
                "no audience", token(c -> c.audience(List.of())),
                "wrong issuer", token(c -> c.issuer("https://evil.example.com/realms/resale")),
                "no issuer", token(c -> c.issuer(null)),
                "signed by another key (same kid)", token(otherKey, c -> { }),
                "no expiry", token(c -> c.expirationTime(null)),
                "no subject", token(c -> c.subject(null)),
                "not yet valid", token(c -> c.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))));
        for (var entry : refused.entrySet()) {
            var response = get(app, "/whoami", entry.getValue());
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(entry.getKey()).isPresent();
            assertThat(response.body()).as(entry.getKey()).contains("\"code\":\"unauthenticated\"");
        }
    }

    @Test
    void anHs256TokenSignedWithTheFormerDevSecretOrAnUnsignedOneIsNotAccepted() throws Exception {
        var claims = new JWTClaimsSet.Builder().issuer(issuer).subject("mallory").audience(AUDIENCE)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5)))).claim("roles", List.of("SUPPORT")).build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner("local-dev-secret-change-me-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
        assertThat(get(app, "/whoami", jwt.serialize()).statusCode()).isEqualTo(401);
        var unsigned = "eyJhbGciOiJub25lIn0." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
        assertThat(get(app, "/whoami", unsigned).statusCode()).isEqualTo(401);
        assertThat(get(app, "/whoami", null).statusCode()).isEqualTo(401);
    }

    /**
     * Refusals on one keep-alive connection, as an API client sends them. With sessions in the security
     * chain an anonymous 401 completed off the event loop, and Reactor Netty 1.3.6 then stopped reading the
     * connection after the next, synchronously refused request: the third hung (reactor-netty#4361).
     */
    @Test
    void refusedAndAcceptedRequestsTakeTurnsOnOneKeepAliveConnectionWithoutHanging() throws Exception {
        var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var past = Instant.now().minus(Duration.ofMinutes(10));
        var tokens = java.util.Arrays.asList(null, token(otherKey, c -> { }),
                token(c -> c.issueTime(Date.from(past.minus(Duration.ofHours(1)))).expirationTime(Date.from(past))), token(c -> { }));
        var statuses = new java.util.TreeMap<Integer, Integer>();
        for (int i = 0; i < 100; i++) {
            for (var token : tokens) {
                var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(app) + "/whoami"))
                        .timeout(Duration.ofSeconds(5)).GET();
                if (token != null) {
                    request.header("Authorization", "Bearer " + token);
                }
                statuses.merge(client.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode(), 1, Integer::sum);
            }
        }
        assertThat(statuses).isEqualTo(Map.of(200, 100, 401, 300));
    }

    @Test
    void noServiceMintsTokensInAnyProfile() throws Exception {
        assertThat(postDevTokens(app).statusCode()).isEqualTo(401);
        try (var local = start(Map.of(JwtPolicy.JWK_SET_URI, issuer + "/protocol/openid-connect/certs", JwtPolicy.AUDIENCES, AUDIENCE), "local")) {
            assertThat(postDevTokens(local).statusCode()).isEqualTo(401);
            // The local profile checks tokens as production does.
            assertThat(get(local, "/whoami", token(c -> { })).statusCode()).isEqualTo(200);
            assertThat(get(local, "/whoami", token(otherKey, c -> { })).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void withOnlyTheIssuerConfiguredItsKeysAreDiscoveredAndTheSameChecksApply() throws Exception {
        try (var discovered = start(Map.of(JwtPolicy.ISSUER_URI, issuer, JwtPolicy.AUDIENCES, AUDIENCE))) {
            assertThat(get(discovered, "/whoami", token(c -> { })).statusCode()).isEqualTo(200);
            assertThat(get(discovered, "/whoami", token(c -> c.audience("another-app"))).statusCode()).isEqualTo(401);
            assertThat(get(discovered, "/whoami", token(otherKey, c -> { })).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void aServiceWithoutAnAudienceWithoutKeysOrWithASigningSecretDoesNotStart() {
        assertThatThrownBy(() -> start(Map.of(JwtPolicy.JWK_SET_URI, issuer + "/protocol/openid-connect/certs")).close())
                .hasStackTraceContaining(JwtPolicy.AUDIENCES);
        assertThatThrownBy(() -> start(Map.of(JwtPolicy.AUDIENCES, AUDIENCE), "local").close())
                .hasStackTraceContaining("no key to check tokens with");
        assertThatThrownBy(() -> start(Map.of(JwtPolicy.JWK_SET_URI, issuer + "/protocol/openid-connect/certs",
                JwtPolicy.AUDIENCES, AUDIENCE, "app.security.dev-secret", "local-dev-secret-change-me-0123456789abcdef"), "local").close())
                .hasStackTraceContaining("no service holds a signing secret");
    }

    /** The support console's page (another origin) calls the APIs with a bearer token; only the origins configured. */
    @Test
    void theConfiguredOriginMayCallFromABrowserAndNoOtherMay() throws Exception {
        try (var withConsole = start(Map.of(JwtPolicy.JWK_SET_URI, issuer + "/protocol/openid-connect/certs", JwtPolicy.AUDIENCES, AUDIENCE,
                "app.cors.allowed-origins", "http://console.test:8086"))) {
            var base = "http://127.0.0.1:" + port(withConsole) + "/whoami";
            var preflight = HTTP.send(HttpRequest.newBuilder(URI.create(base)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://console.test:8086").header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(200);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://console.test:8086");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()).contains("authorization");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

            var call = HTTP.send(HttpRequest.newBuilder(URI.create(base)).header("Origin", "http://console.test:8086")
                    .header("Authorization", "Bearer " + token(c -> { })).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(call.statusCode()).isEqualTo(200);
            assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).contains("http://console.test:8086");

            var stranger = HTTP.send(HttpRequest.newBuilder(URI.create(base)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://evil.test").header("Access-Control-Request-Method", "GET").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stranger.statusCode()).isEqualTo(403);
            assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
        // Without configured origins (the default), no answer lets a page of another origin read it.
        var plain = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(app) + "/whoami"))
                .header("Origin", "http://console.test:8086").header("Authorization", "Bearer " + token(c -> { })).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
