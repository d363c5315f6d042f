package market.resale.systemtests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import market.resale.credits.CreditsApplication;
import market.resale.messaging.MessagingApplication;
import market.resale.messaging.stream.NotificationFeed;
import market.resale.orders.OrdersApplication;
import market.resale.shipping.ShippingApplication;
import market.resale.support.SupportApplication;
import market.resale.systemtests.AuthzMatrix.Caller;
import market.resale.systemtests.AuthzMatrix.Endpoint;
import market.resale.systemtests.AuthzMatrix.Service;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import market.resale.testsupport.TokenIssuer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;

/**
 * Issue 5, authorization: every endpoint of every service called as every kind of caller
 * ({@link AuthzMatrix}), against the five services on a real broker and the real Apicurio Registry,
 * with the data the calls name seeded through the public interfaces ({@link AuthzWorld}). A controller
 * mapping without a row fails the build; so does a row without a mapping, and a stale
 * {@code docs/authorization.md}. And the tokens: the services accept the local stack issuer's and
 * refuse another key's, expired ones and another audience's; outside the local profile a service
 * trusts only that profile's identity provider (JWKS), and no profile mints tokens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthorizationMatrixTest {

    private static final Map<Service, ServiceProcess> services = new EnumMap<>(Service.class);
    private static KafkaProducer<String, SpecificRecord> upstream;
    private static AuthzWorld world;
    private static ServiceProcess production;
    private static AuthzIdentityProvider idp;
    private static String bootstrap;
    private static String registryUrl;

    @BeforeAll
    static void startTheSystem() throws Exception {
        var kafka = KafkaSeam.shared();
        var registry = ApicurioRegistry.shared();
        bootstrap = kafka.bootstrapServers();
        registryUrl = registry.ccompatUrl();
        services.put(Service.ORDERS, ServiceProcess.start(OrdersApplication.class, "orders-service", "orders", bootstrap, registryUrl, Map.of()));
        services.put(Service.SHIPPING, ServiceProcess.start(ShippingApplication.class, "shipping-service", "shipping", bootstrap, registryUrl, Map.of()));
        services.put(Service.CREDITS, ServiceProcess.start(CreditsApplication.class, "credits-service", "credits", bootstrap, registryUrl, Map.of()));
        services.put(Service.MESSAGING, ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging", bootstrap, registryUrl, Map.of()));
        services.put(Service.SUPPORT, ServiceProcess.start(SupportApplication.class, "support-service", "support", bootstrap, registryUrl, Map.of()));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> services.values().stream().allMatch(ServiceProcess::ready));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                services.get(Service.MESSAGING).bean(NotificationFeed.class).awaitLive(Duration.ofSeconds(1)));
        upstream = Upstream.producer(bootstrap, registryUrl);
    }

    @AfterAll
    static void stopTheSystem() {
        var all = new ArrayList<AutoCloseable>();
        all.add(upstream);
        all.add(production);
        all.add(idp);
        all.addAll(services.values());
        for (var closeable : all) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
    }

    @Test
    @Order(1)
    void everyControllerMappingOfEveryServiceHasARowAndEveryRowAMapping() {
        var missing = new ArrayList<String>();
        var stale = new ArrayList<String>();
        for (var entry : services.entrySet()) {
            var service = entry.getKey();
            var mapped = new TreeSet<String>();
            // The dispatcher's handler mappings: the application's, and the actuator's (not ours, skipped below).
            entry.getValue().bean(DispatcherHandler.class).getHandlerMappings().stream()
                    .filter(RequestMappingInfoHandlerMapping.class::isInstance).map(RequestMappingInfoHandlerMapping.class::cast)
                    .flatMap(mapping -> mapping.getHandlerMethods().entrySet().stream()).forEach(e -> {
                var info = e.getKey();
                var handler = e.getValue();
                if (!handler.getBeanType().getPackageName().startsWith("market.resale")) {
                    return;
                }
                var methods = info.getMethodsCondition().getMethods();
                for (var pattern : info.getPatternsCondition().getPatterns()) {
                    if (methods.isEmpty()) {
                        mapped.add("ANY " + pattern.getPatternString());
                    }
                    methods.forEach(m -> mapped.add(m.name() + " " + pattern.getPatternString()));
                }
            });
            var declared = new TreeSet<String>();
            AuthzMatrix.ENDPOINTS.stream().filter(e -> e.service() == service && e.application())
                    .forEach(e -> declared.add(e.mapping()));
            mapped.stream().filter(m -> !declared.contains(m)).forEach(m -> missing.add(service.id + ": " + m));
            declared.stream().filter(d -> !mapped.contains(d)).forEach(d -> stale.add(service.id + ": " + d));
        }
        assertThat(missing).as("controller mappings without a row in AuthzMatrix (declare who may call them)").isEmpty();
        assertThat(stale).as("rows of AuthzMatrix without a controller mapping").isEmpty();
    }

    @Test
    @Order(2)
    void theDocsShowTheDeclaredMatrix() throws Exception {
        var docs = ProjectLayout.root().resolve(ProjectLayout.DOCS).resolve("authorization.md");
        var rendered = AuthzMatrix.markdown();
        if (Boolean.getBoolean("authz.write-docs")) {
            Files.writeString(docs, rendered);
        }
        assertThat(Files.readString(docs)).as(docs + " is generated from AuthzMatrix: run AuthorizationMatrixTest with "
                + "-Dauthz.write-docs=true").isEqualTo(rendered);
    }

    @Test
    @Order(3)
    void everyEndpointAnswersEveryKindOfCallerAsDeclared() throws Exception {
        world = new AuthzWorld(services.get(Service.ORDERS), services.get(Service.SHIPPING), services.get(Service.CREDITS),
                services.get(Service.MESSAGING), services.get(Service.SUPPORT));
        world.seed(upstream);

        var mismatches = new ArrayList<String>();
        var calls = 0;
        var byStatus = new java.util.TreeMap<Integer, Integer>();
        for (Endpoint endpoint : AuthzMatrix.ENDPOINTS) {
            var service = services.get(endpoint.service());
            for (var caller : Caller.values()) {
                var path = world.resolve(endpoint.path(), caller);
                var body = world.resolve(endpoint.body(), caller);
                var headers = endpoint.method().equals("POST")
                        ? Map.of("Idempotency-Key", ("authz-" + world.run + "-" + calls).replace(':', '-'))
                        : Map.<String, String>of();
                AuthzClient.Answer answer;
                try {
                    answer = AuthzClient.call(service.baseUrl(), endpoint.method(), path, world.token(caller),
                            endpoint.contentType(), body, headers);
                } catch (RuntimeException e) {
                    answer = new AuthzClient.Answer(-1, String.valueOf(e));
                }
                calls++;
                byStatus.merge(answer.status(), 1, Integer::sum);
                var expected = endpoint.expected().get(caller);
                if (!Endpoint.matches(expected, answer.status())) {
                    mismatches.add(String.format("%s %s %s as %s: expected %s, got %d %s", endpoint.service().id,
                            endpoint.method(), path, caller, expected, answer.status(),
                            answer.body().length() > 300 ? answer.body().substring(0, 300) : answer.body()));
                }
            }
        }
        System.out.printf("Authorization matrix: %d endpoint rows x %d callers = %d calls; answers by status %s; %d mismatches; "
                        + "%d keep-alive stalls answered on a new connection%n",
                AuthzMatrix.ENDPOINTS.size(), Caller.values().length, calls, byStatus, mismatches.size(), AuthzClient.stalls());
        assertThat(calls).isEqualTo(AuthzMatrix.ENDPOINTS.size() * Caller.values().length);
        assertThat(mismatches).as("answers that differ from AuthzMatrix").isEmpty();
    }

    @Test
    @Order(4)
    void theLocalIssuersTokensAreAcceptedAndAnotherKeysExpiredOrAnotherAudiencesAreNot() throws Exception {
        var issuer = TokenIssuer.shared();
        var key = FuzzTokens.issuerKey();
        var good = issuer.token("issuer-buyer", "BUYER");
        var claims = SignedJWT.parse(good).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(issuer.url());
        assertThat(claims.getAudience()).containsExactly(TokenIssuer.AUDIENCE);
        assertThat(claims.getSubject()).isEqualTo("issuer-buyer");

        var past = Instant.now().minus(Duration.ofMinutes(10));
        var refused = Map.of(
                "signed by another key under the issuer's key id",
                FuzzTokens.sign(new RSAKeyGenerator(2048).keyID(key.getKeyID()).generate(), claims, c -> { }),
                "expired (the issuer's key)", FuzzTokens.sign(key, claims, c -> c.issueTime(Date.from(past.minus(Duration.ofHours(1))))
                        .notBeforeTime(null).expirationTime(Date.from(past))),
                "for another audience (the issuer's key)", FuzzTokens.sign(key, claims, c -> c.audience("another-app")),
                "from another issuer (the issuer's key)", FuzzTokens.sign(key, claims, c -> c.issuer("http://127.0.0.1:1")));
        for (var service : Service.values()) {
            var process = services.get(service);
            var path = service == Service.CREDITS ? "/accounts/issuer-buyer" : service == Service.MESSAGING ? "/notifications"
                    : service == Service.SUPPORT ? "/cases" : service == Service.SHIPPING ? "/shipments/no-such-order" : "/purchases";
            assertThat(process.get(path, good).status()).as(service + " " + path + " with the issuer's token").isNotEqualTo(401);
            for (var entry : refused.entrySet()) {
                var answer = process.get(path, entry.getValue());
                assertThat(answer.status()).as(service + " " + entry.getKey()).isEqualTo(401);
                assertThat(answer.body().path("code").asString()).isEqualTo("unauthenticated");
            }
        }
    }

    @Test
    @Order(5)
    void outsideTheLocalProfileTokensAreValidatedAgainstThatProfilesIdentityProviderOnly() throws Exception {
        idp = new AuthzIdentityProvider();
        // Its own application id (consumer group, state): not an instance of the local orders-service group.
        production = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-prod", bootstrap, registryUrl, Map.of(
                "spring.profiles.active", "prod",
                "spring.application.name", "orders-service-authz-prod",
                "spring.security.oauth2.resourceserver.jwt.issuer-uri", idp.issuer,
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", idp.jwkSetUri));

        var minted = AuthzClient.call(production.baseUrl(), "POST", "/dev/tokens", null, "application/json",
                "{\"userId\":\"mallory\",\"roles\":[\"SUPPORT\"]}", Map.of());
        assertThat(minted.status()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(production::ready);
        var buyer = idp.token("prod-buyer", List.of("BUYER"), c -> { });
        assertThat(production.get("/purchases", buyer).status()).isEqualTo(200);
        assertThat(production.get("/sellers/prod-seller/signals", buyer).status()).isEqualTo(200);
        // The roles claim is mapped: a buyer has no sales.
        assertThat(production.get("/sales", buyer).status()).isEqualTo(403);
        assertThat(production.get("/sales", idp.token("prod-seller", List.of("SELLER"), c -> { })).status()).isEqualTo(200);

        var past = Instant.now().minus(Duration.ofMinutes(10));
        var refused = Map.of(
                "expired", idp.token("prod-buyer", List.of("BUYER"), c -> c.issueTime(Date.from(past.minus(Duration.ofHours(1))))
                        .expirationTime(Date.from(past))),
                "wrong audience", idp.token("prod-buyer", List.of("BUYER"), c -> c.audience("another-app")),
                "wrong issuer", idp.token("prod-buyer", List.of("BUYER"), c -> c.issuer("https://evil.example.com/realms/resale")),
                "signed by another key", idp.forged("prod-buyer", List.of("BUYER")),
                "a token of the local stack's issuer", TokenIssuer.shared().token("prod-buyer", "BUYER"));
        for (var entry : refused.entrySet()) {
            assertThat(production.get("/purchases", entry.getValue()).status()).as(entry.getKey()).isEqualTo(401);
        }
        assertThat(production.get("/purchases", null).status()).isEqualTo(401);
    }
}
