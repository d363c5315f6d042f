package market.resale.systemtests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import market.resale.credits.CreditsApplication;
import market.resale.messaging.MessagingApplication;
import market.resale.orders.OrdersApplication;
import market.resale.platform.api.ApiDocumentation;
import market.resale.shipping.ShippingApplication;
import market.resale.support.SupportApplication;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI documents ({@code GET /v3/api-docs} of each running service) against the code and
 * against their committed copies in {@code docs/api/}:
 * <ul>
 *   <li>every {@code $ref} resolves, and every 4xx/5xx response has the problem+json shape;</li>
 *   <li>every endpoint the service's controllers map (method and path, from its handler mappings) is in
 *       its document, with a success response, and with the bearer scheme unless it is public;</li>
 *   <li>the document each service serves is, byte for byte once its keys are sorted, the committed
 *       {@code docs/api/<service>.json}. After an intended API change, rewrite them with
 *       {@code ./mvnw verify -pl tests/system-tests -Dtest=ApiDocsTest -Dapi-docs.update=true} (needs the
 *       other modules installed) and commit the diff with the change.</li>
 * </ul>
 * Each run also writes the served documents to {@code target/api-docs/}.
 */
class ApiDocsTest {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final Path COMMITTED = ProjectLayout.root().resolve(ProjectLayout.DOCS).resolve("api");
    private static final boolean UPDATE = Boolean.getBoolean("api-docs.update");
    private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private static final java.util.Set<String> PLATFORM_ERRORS = java.util.Set.of("400", "401", "403", "404", "413", "415", "429", "503");

    @BeforeAll
    static void startTheServices() {
        var bootstrap = KafkaSeam.shared().bootstrapServers();
        var registryUrl = ApicurioRegistry.shared().ccompatUrl();
        services.put("orders-service", ServiceProcess.start(OrdersApplication.class, "orders-service", "orders", bootstrap, registryUrl, Map.of()));
        services.put("shipping-service", ServiceProcess.start(ShippingApplication.class, "shipping-service", "shipping", bootstrap, registryUrl, Map.of()));
        services.put("credits-service", ServiceProcess.start(CreditsApplication.class, "credits-service", "credits", bootstrap, registryUrl, Map.of()));
        services.put("messaging-service", ServiceProcess.start(MessagingApplication.class, "messaging-service", "messaging", bootstrap, registryUrl, Map.of()));
        services.put("support-service", ServiceProcess.start(SupportApplication.class, "support-service", "support", bootstrap, registryUrl, Map.of()));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> services.values().stream().allMatch(ServiceProcess::ready));
    }

    @AfterAll
    static void stopTheServices() {
        services.values().forEach(ServiceProcess::close);
    }

    @Test
    void everyEndpointIsInItsServicesDocument() {
        var missing = new ArrayList<String>();
        var endpoints = 0;
        for (var entry : services.entrySet()) {
            var document = served(entry.getValue());
            for (var endpoint : endpoints(entry.getValue())) {
                endpoints++;
                var operation = document.path("paths").path(endpoint.path()).path(endpoint.method().toLowerCase(Locale.ROOT));
                if (operation.isMissingNode()) {
                    missing.add(entry.getKey() + ": " + endpoint + " is not documented");
                    continue;
                }
                // Its own outcomes: a success, or for an endpoint that always refuses (cash-outs), that refusal;
                // not only the errors the platform adds to every operation.
                var responses = operation.path("responses").propertyNames();
                if (responses.stream().allMatch(PLATFORM_ERRORS::contains)) {
                    missing.add(entry.getKey() + ": " + endpoint + " documents none of its own outcomes");
                }
                var secured = operation.path("security").toString().contains(ApiDocumentation.BEARER);
                var publicPaths = market.resale.platform.security.PublicPaths.all(
                        entry.getValue().beans(market.resale.platform.security.PublicPaths.class).stream());
                if (secured == publicPaths.contains(endpoint.path())) {
                    missing.add(entry.getKey() + ": " + endpoint + (secured ? " is public but" : " needs a token but") + " says otherwise");
                }
            }
        }
        // Found the controllers' mappings at all: as many as the authorization matrix declares.
        assertThat((long) endpoints).as("endpoints found in the handler mappings")
                .isEqualTo(AuthzMatrix.ENDPOINTS.stream().filter(AuthzMatrix.Endpoint::application).count());
        assertThat(missing).isEmpty();
    }

    @Test
    void theCommittedDocumentsAreWhatTheServicesServe() throws IOException {
        var drifted = new ArrayList<String>();
        var target = Path.of("target", "api-docs");
        Files.createDirectories(target);
        for (var entry : services.entrySet()) {
            // As plain maps, so that ORDER_MAP_ENTRIES_BY_KEYS sorts every object's keys (it leaves JsonNode trees alone).
            var text = CANONICAL.writeValueAsString(CANONICAL.treeToValue(served(entry.getValue()), Object.class)) + "\n";
            var name = entry.getKey() + ".json";
            Files.writeString(target.resolve(name), text, StandardCharsets.UTF_8);
            var committed = COMMITTED.resolve(name);
            if (UPDATE) {
                Files.createDirectories(COMMITTED);
                Files.writeString(committed, text, StandardCharsets.UTF_8);
            } else if (!Files.exists(committed) || !Files.readString(committed, StandardCharsets.UTF_8).equals(text)) {
                drifted.add(name);
            }
        }
        assertThat(drifted).as("docs/api/ differs from what the services serve (see target/api-docs/); if the API change is "
                + "intended, rewrite them with -Dapi-docs.update=true and commit them").isEmpty();
    }

    @Test
    void everyReferenceResolvesAndEveryErrorIsAProblem() {
        var broken = new ArrayList<String>();
        for (var entry : services.entrySet()) {
            var document = served(entry.getValue());
            var schemas = document.path("components").path("schemas");
            references(document, new ArrayList<>()).stream().distinct().forEach(ref -> {
                if (!ref.startsWith("#/components/schemas/") || schemas.path(ref.substring("#/components/schemas/".length())).isMissingNode()) {
                    broken.add(entry.getKey() + ": " + ref + " does not resolve");
                }
            });
            document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                    operation.getValue().path("responses").properties().forEach(response -> {
                        if (response.getKey().matches("[45]\\d\\d")
                                && response.getValue().path("content").path("application/problem+json").isMissingNode()) {
                            broken.add(entry.getKey() + ": " + operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey()
                                    + " answers " + response.getKey() + " without the problem+json shape");
                        }
                    })));
        }
        assertThat(broken).isEmpty();
    }

    private static List<String> references(JsonNode node, List<String> found) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("$ref") && field.getValue().isString()) {
                    found.add(field.getValue().asString());
                } else {
                    references(field.getValue(), found);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> references(child, found));
        }
        return found;
    }

    private static JsonNode served(ServiceProcess service) {
        var response = service.get("/v3/api-docs", null);
        assertThat(response.status()).as("GET /v3/api-docs without a token").isEqualTo(200);
        return response.body();
    }

    record Endpoint(String method, String path) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** What the service's controllers map (springdoc's own endpoint aside). */
    private static List<Endpoint> endpoints(ServiceProcess service) {
        var found = new ArrayList<Endpoint>();
        service.bean(DispatcherHandler.class).getHandlerMappings().stream()
                .filter(RequestMappingHandlerMapping.class::isInstance).map(RequestMappingHandlerMapping.class::cast)
                .forEach(mapping -> mapping.getHandlerMethods().forEach((info, handler) -> {
                    if (handler.getBeanType().getPackageName().startsWith("org.springdoc")) {
                        return;
                    }
                    for (var pattern : info.getPatternsCondition().getPatterns()) {
                        for (var method : info.getMethodsCondition().getMethods()) {
                            // springdoc writes {name:regex} variables as {name}
                            found.add(new Endpoint(method.name(), pattern.getPatternString().replaceAll("\\{([^}:]+):[^}]*}", "{$1}")));
                        }
                    }
                }));
        return found;
    }
}
