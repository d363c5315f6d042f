package market.resale.platform.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.RateLimiting;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

/**
 * Each service's OpenAPI document ({@code GET /v3/api-docs}, springdoc): its endpoints as springdoc
 * finds them in the controllers, plus what every service shares and springdoc cannot see — the bearer
 * token scheme (every endpoint but the public ones), and the errors the platform answers as
 * {@code application/problem+json} before or beside a controller: 400 for a malformed request, 401/403
 * from security, 404 for an unknown id, 413/415 for bodies, 429 where a rate limit applies, 503 while
 * partitions move or when a command could not be stored. Each with the {@code Problem} schema and an
 * example. Errors a controller declares itself ({@code @ApiResponse}) get the same shape.
 */
@AutoConfiguration
@ConditionalOnClass(OpenAPI.class)
public class ApiDocumentation {

    public static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI serviceApi(@Value("${spring.application.name:service}") String name,
                       @Value("${app.api.description:}") String description) {
        return new OpenAPI()
                .info(new Info().title(name + " API").version("v1").description(description.isBlank() ? null : description.strip()))
                // Relative: the document is the same wherever the service runs (and so is its committed copy in docs/api).
                .servers(List.of(new Server().url("/").description("this service")))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT").description("A JWT from the token issuer: `sub` is the user id, "
                                        + "`roles` the caller's roles (BUYER, SELLER, SUPPORT, CARRIER).")));
    }

    @Bean
    OpenApiCustomizer platformResponses(RateLimiting rateLimiting, @Value("${app.web.max-body-size:64KB}") DataSize maxBody,
                                        org.springframework.beans.factory.ObjectProvider<market.resale.platform.security.PublicPaths> declared) {
        var publicPaths = market.resale.platform.security.PublicPaths.all(declared.orderedStream());
        return api -> {
            // Added here, not with the security scheme: springdoc drops schemas nothing refers to before customizers run.
            if (api.getComponents() == null) {
                api.setComponents(new Components());
            }
            api.getComponents().addSchemas(PROBLEM, problemSchema());
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) ->
                    document(path, method, operation, rateLimiting, maxBody, publicPaths.contains(path))));
        };
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation, RateLimiting rateLimiting,
                                 DataSize maxBody, boolean isPublic) {
        if (!isPublic) {
            operation.setSecurity(List.of(new SecurityRequirement().addList(BEARER)));
        }
        var responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        // Errors a controller declared (their description names the codes): the problem shape, with the first code
        // as the example's. (springdoc gives them a */* object of its own.)
        responses.forEach((status, response) -> {
            if (status.matches("[45]\\d\\d") && !hasProblemContent(response)) {
                // The example shows the shape and the first code; what `detail` says depends on the case.
                response.setContent(problemContent(Integer.parseInt(status), firstCode(response.getDescription()), null));
            }
        });
        addProblem(responses, HttpStatus.BAD_REQUEST, "invalid-request",
                "The request is malformed or invalid (also `malformed-request`, `invalid-id`, `bad-request`)",
                "orderId: size must be between 1 and 64");
        if (!isPublic) {
            addProblem(responses, HttpStatus.UNAUTHORIZED, "unauthenticated", "No valid bearer token",
                    "A valid bearer token is required");
            addProblem(responses, HttpStatus.FORBIDDEN, "forbidden",
                    "The caller's roles do not allow this (where the endpoint is for some roles only)",
                    "Not allowed for this caller");
        }
        if (path.contains("{")) {
            addProblem(responses, HttpStatus.NOT_FOUND, "not-found",
                    "Nothing with this id that the caller may see (another user's resource is also 404)", "Order o-1 not found");
        }
        if (operation.getRequestBody() != null) {
            addProblem(responses, HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
                    "The body is larger than " + maxBody.toKilobytes() + " KB", "The request body is larger than "
                            + maxBody.toBytes() + " bytes");
            addProblem(responses, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "The body is not of a type this endpoint reads",
                    "Content type 'text/plain' is not supported");
        }
        if (!isPublic) {
            addProblem(responses, HttpStatus.SERVICE_UNAVAILABLE, "rebalancing",
                    "The instance is taking over partitions (`rebalancing`), or a write could not be stored (`not-stored`; "
                            + "nothing changed): retry after `Retry-After` seconds, with the same Idempotency-Key",
                    "The service is taking over or restoring partitions; retry shortly.");
            responses.get("503").addHeaderObject("Retry-After", retryAfter());
        }
        rateLimiting.limitFor(method.name(), path).ifPresent(limit -> {
            addProblem(responses, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
                    "The caller's rate limit (" + limit + ") is used up; retry after `Retry-After` seconds",
                    "Too many requests of this kind; retry in 6 s");
            responses.get("429").addHeaderObject("Retry-After", retryAfter());
            // The IETF fields, on the 429 and on every answer given after the limit was taken (not security's 401).
            responses.entrySet().stream().filter(e -> !e.getKey().equals("401")).forEach(e -> e.getValue()
                    .addHeaderObject("RateLimit-Policy", new Header().schema(new StringSchema()).description(
                            "The limit: `\"<name>\";q=<requests>;w=<seconds>` (draft-ietf-httpapi-ratelimit-headers)"))
                    .addHeaderObject("RateLimit", new Header().schema(new StringSchema()).description(
                            "`\"<name>\";r=<requests left>;t=<seconds until the limit is full again; on 429 the Retry-After>`")));
        });
        // In status order, so the document reads (and diffs) the same every time.
        var sorted = new ApiResponses();
        new TreeMap<>(responses).forEach(sorted::addApiResponse);
        operation.setResponses(sorted);
    }

    private static boolean hasProblemContent(ApiResponse response) {
        return response.getContent() != null && response.getContent().containsKey(PROBLEM_JSON);
    }

    /** The first `code` in a description, as the declared errors name theirs. */
    static String firstCode(String description) {
        var matcher = java.util.regex.Pattern.compile("`([a-z]+(?:-[a-z]+)*)`").matcher(description == null ? "" : description);
        return matcher.find() ? matcher.group(1) : "error";
    }

    private static void addProblem(ApiResponses responses, HttpStatus status, String code, String description, String detail) {
        var key = Integer.toString(status.value());
        if (!responses.containsKey(key)) {
            responses.addApiResponse(key, new ApiResponse().description(description)
                    .content(problemContent(status.value(), code, detail)));
        }
    }

    private static Content problemContent(int status, String code, String detail) {
        var resolved = HttpStatus.resolve(status);
        var example = new LinkedHashMap<String, Object>();
        example.put("type", ApiProblem.TYPE_BASE + code);
        example.put("title", resolved == null ? "Error" : resolved.getReasonPhrase());
        example.put("status", status);
        if (detail != null) {
            example.put("detail", detail);
            example.put("instance", "/orders/o-1");
        }
        example.put("code", code);
        return new Content().addMediaType(PROBLEM_JSON, new MediaType()
                .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))
                .examples(Map.of(code, new Example().value(example))));
    }

    private static Header retryAfter() {
        return new Header().description("Seconds until a retry may succeed").schema(new IntegerSchema());
    }

    /** RFC 9457, as {@link ApiProblem} writes it: the standard members, a stable {@code code}, and endpoint-specific extras. */
    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        var schema = new ObjectSchema();
        schema.description("An error (RFC 9457). Clients switch on `code`, which is also the last segment of `type`; "
                + "`detail` is for people. Some errors add members (orderId, trackingNumber, limit, retryAfterSeconds, ...).");
        schema.addProperty("type", new StringSchema().format("uri").example(ApiProblem.TYPE_BASE + "window-expired"));
        schema.addProperty("title", new StringSchema().example("Conflict"));
        schema.addProperty("status", new IntegerSchema().example(409));
        schema.addProperty("detail", new StringSchema().example("The 3-hour cancellation window closed; you can ask the seller to cancel."));
        schema.addProperty("instance", new StringSchema().format("uri-reference").example("/orders/o-1/cancellations"));
        schema.addProperty("code", new StringSchema().example("window-expired"));
        schema.addProperty("traceId", new StringSchema().pattern("^[0-9a-f]{32}$").example("4bf92f3577b34da6a3ce929d0e0e4736")
                .description("The request's trace (W3C trace id: the one of the caller's `traceparent`, or a new one); "
                        + "quote it when reporting the problem"));
        schema.setRequired(List.of("type", "title", "status", "code"));
        schema.setAdditionalProperties(Boolean.TRUE);
        return schema;
    }
}
