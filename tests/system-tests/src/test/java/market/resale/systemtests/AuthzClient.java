package market.resale.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Any method, path, body and headers, as a client of the API does it: a {@code 503} or {@code 429} with
 * {@code Retry-After} is retried (neither is an authorization answer); a {@code text/event-stream} answer
 * is closed once its status is known.
 *
 * <p>A request that gets no answer within 10 s on a kept-alive connection is sent once more on a new
 * connection, and counted in {@link #stalls()}: Reactor Netty 1.3.6 sometimes stops reading a keep-alive
 * connection after a request that was buffered behind a response completed off the event loop
 * (reactor/reactor-netty#4361), which is not an authorization answer either.
 */
final class AuthzClient {

    record Answer(int status, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static final java.util.concurrent.atomic.AtomicInteger STALLS = new java.util.concurrent.atomic.AtomicInteger();

    private AuthzClient() {
    }

    /** Requests that got no answer on a kept-alive connection and were answered on a new one. */
    static int stalls() {
        return STALLS.get();
    }

    static Answer call(String baseUrl, String method, String path, String token, String contentType, String body,
                       Map<String, String> headers) {
        try {
            return call(HTTP, baseUrl, method, path, token, contentType, body, headers, Duration.ofSeconds(10));
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof java.net.http.HttpTimeoutException)) {
                throw e;
            }
            STALLS.incrementAndGet();
            try (var fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build()) {
                return call(fresh, baseUrl, method, path, token, contentType, body, headers, Duration.ofSeconds(30));
            }
        }
    }

    private static Answer call(HttpClient http, String baseUrl, String method, String path, String token, String contentType,
                               String body, Map<String, String> headers, Duration timeout) {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        var built = request.build();
        var deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try {
            while (true) {
                var response = http.send(built, HttpResponse.BodyHandlers.ofInputStream());
                var type = response.headers().firstValue("Content-Type").orElse("");
                String text;
                try (var in = response.body()) {
                    // A live stream never ends: its status and headers are the answer.
                    text = type.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                var retryAfter = response.headers().firstValue("Retry-After");
                if ((response.statusCode() == 503 || response.statusCode() == 429) && retryAfter.isPresent()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(Duration.ofSeconds(Math.min(30, Long.parseLong(retryAfter.get().trim()))));
                    continue;
                }
                return new Answer(response.statusCode(), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
