package market.resale.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * A client of the Confluent schema-registry REST API over {@link HttpClient}; no caching here
 * ({@link CachingSchemaRegistryClient} wraps it).
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistrySettings settings;
    private final String baseUrl;
    private final HttpClient http;

    public HttpSchemaRegistryClient(RegistrySettings settings) {
        this.settings = settings;
        this.baseUrl = settings.url().endsWith("/") ? settings.url().substring(0, settings.url().length() - 1) : settings.url();
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode body = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        return body.path("id").asInt();
    }

    @Override
    public int lookup(String subject, Schema schema) {
        JsonNode body = send("POST", "/subjects/" + encode(subject), schemaBody(schema));
        JsonNode id = body.path("id");
        if (!id.canConvertToInt()) {
            throw new SchemaRegistryException("schema registry POST /subjects/" + subject + " answered without an id: " + body, 200, 0, null);
        }
        return id.asInt();
    }

    /**
     * The schema with this id, its references resolved: a writer that registers nested named types as
     * subjects of their own (Apicurio's serializer does by default) stores a schema that names types it
     * does not define, and lists where they are in {@code references}. Those schemas (and, depth-first,
     * the ones they reference) go into the same parser before the schema itself, each once.
     */
    @Override
    public Schema getById(int id) {
        JsonNode body = send("GET", "/schemas/ids/" + id, null);
        Schema.Parser parser = new Schema.Parser();
        parseReferences(body.path("references"), parser, new HashSet<>());
        return parser.parse(body.path("schema").asText());
    }

    private void parseReferences(JsonNode references, Schema.Parser parser, Set<String> seen) {
        for (JsonNode reference : references) {
            String name = reference.path("name").asText("");
            String subject = reference.path("subject").asText("");
            String version = reference.path("version").asText("");
            if (subject.isEmpty() || version.isEmpty()) {
                throw new SchemaRegistryException("schema registry answered a reference without subject or version: " + reference, 200, 0, null);
            }
            // As Confluent's client: a reference name is the full name of the type it brings, defined once.
            if (!seen.add(name.isEmpty() ? subject + "/" + version : name)) {
                continue;
            }
            JsonNode referenced = send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null);
            parseReferences(referenced.path("references"), parser, seen);
            parser.parse(referenced.path("schema").asText());
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            JsonNode body = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
            return body.path("is_compatible").asBoolean();
        } catch (SchemaRegistryException e) {
            if (e.status() == 404) {
                return true; // no version yet: anything is compatible with nothing
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(String subject, String level) {
        send("PUT", "/config/" + encode(subject), "{\"compatibility\":\"" + level + "\"}");
    }

    private static String schemaBody(Schema schema) {
        try {
            return JSON.writeValueAsString(java.util.Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(settings.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (settings.bearerToken() != null) {
            request.header("Authorization", "Bearer " + settings.bearerToken());
        } else if (settings.basicAuthUserInfo() != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(settings.basicAuthUserInfo().getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry " + baseUrl + " unreachable: " + e, 0, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the schema registry", 0, 0, e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("schema registry " + method + " " + path + " answered "
                    + response.statusCode() + ": " + json.path("message").asText(response.body()),
                    response.statusCode(), json.path("error_code").asInt(0), null);
        }
        return json;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }
}
