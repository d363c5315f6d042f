package market.resale.systemtests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import market.resale.testsupport.TokenIssuer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One service instance started as it runs for real (its own port, state directory and Streams client), with an HTTP client. */
final class ServiceProcess implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Response(int status, String contentType, JsonNode body) {
    }

    private final String name;
    private final ConfigurableApplicationContext context;

    private ServiceProcess(String name, ConfigurableApplicationContext context) {
        this.name = name;
        this.context = context;
    }

    static ServiceProcess start(Class<?> application, String configName, String name, String bootstrapServers,
                                String registryUrl, Map<String, Object> extra) {
        return start(application, configName, name, bootstrapServers, registryUrl, extra, Map.<String, Object>of());
    }

    /** Starts the service with {@code clock} as its {@link Clock} bean (null: the system clock), so a test can drive its time. */
    static ServiceProcess start(Class<?> application, String configName, String name, String bootstrapServers,
                                String registryUrl, Map<String, Object> extra, Clock clock) {
        return start(application, configName, name, bootstrapServers, registryUrl, extra,
                clock == null ? Map.of() : Map.of("clock", clock));
    }

    /** Starts the service with {@code beans} (by name) registered before its own, e.g. a {@code clock} or a span exporter. */
    static ServiceProcess start(Class<?> application, String configName, String name, String bootstrapServers,
                                String registryUrl, Map<String, Object> extra, Map<String, Object> beans) {
        try {
            var stateDir = Files.createTempDirectory("state-" + name);
            var properties = new HashMap<String, Object>();
            properties.put("spring.config.name", configName);
            properties.put("server.port", 0);
            properties.put("server.address", "127.0.0.1");
            properties.put("spring.profiles.active", "local");
            properties.put("app.kafka.bootstrap-servers", bootstrapServers);
            properties.put("app.kafka.registry-url", registryUrl);
            properties.put("app.kafka.state-dir", stateDir.toString());
            properties.put("app.kafka.create-topics", true);
            properties.put("app.kafka.commit-interval", "50ms");
            // Kafka Streams does not leave its group on close (so that a rolling restart does not rebalance
            // twice): the partitions of an instance a test stopped move once its session expires. Short here.
            properties.put("app.kafka.client[session.timeout.ms]", "6000");
            properties.put("app.kafka.client[heartbeat.interval.ms]", "1000");
            properties.putAll(TokenIssuer.shared().serviceProperties());
            properties.putAll(extra);
            // As command-line arguments: they take precedence over the service's application.yml.
            var args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
            var builder = new SpringApplicationBuilder(application);
            if (!beans.isEmpty()) {
                builder.initializers(context -> beans.forEach(context.getBeanFactory()::registerSingleton));
            }
            var context = builder.run(args);
            return new ServiceProcess(name, context);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Every bean of this type the service declares (none: empty). */
    <T> java.util.List<T> beans(Class<T> type) {
        return java.util.List.copyOf(context.getBeansOfType(type).values());
    }

    int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    boolean ready() {
        try {
            return get("/actuator/health/readiness", null).status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A carrier's client token speaking for {@code carrier}. */
    String carrierToken(String userId, String carrier) {
        return TokenIssuer.shared().carrierToken(userId, carrier);
    }

    /** A token from the local stack's issuer (the one this service trusts), as the demo gets one. */
    String token(String userId, String... roles) {
        return TokenIssuer.shared().token(userId, roles);
    }

    Response get(String path, String token) {
        return get(path, token, Map.of());
    }

    Response get(String path, String token, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET();
        headers.forEach(request::header);
        return send(request, token);
    }

    String getText(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response post(String path, String token, String json, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return send(request, token);
    }

    record Bytes(int status, String contentType, byte[] body, HttpHeaders headers) {
    }

    Response postBytes(String path, String token, String contentType, byte[] bytes) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), token);
    }

    Bytes getBytes(String path, String token) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET().timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            var response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Bytes(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Response send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            var built = request.timeout(Duration.ofSeconds(30)).build();
            var response = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
            // Like any client of the API: a 503 with Retry-After (partitions moving between instances) is retried.
            var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()
                    && System.nanoTime() < deadline) {
                Thread.sleep(Duration.ofSeconds(Long.parseLong(response.headers().firstValue("Retry-After").get())));
                response = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
            }
            var body = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
        }
    }

    @Override
    public String toString() {
        return name + "@" + port();
    }
}
