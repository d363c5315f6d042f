package market.resale.systemtests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends a request exactly as given (raw, already encoded path and query; any headers; bytes as the body,
 * with a Content-Length or chunked) and reads the answer without interpreting it. A server-sent-event
 * stream is closed as soon as its headers are in.
 */
final class FuzzClient {

    record Answer(int status, String contentType, String body, Map<String, List<String>> headers, String error) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    private HttpClient http = newClient();
    /** Requests that got no answer on a reused connection and were answered on a new one. */
    final java.util.List<String> retriedOnNewConnection = new java.util.ArrayList<>();

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    Answer send(String baseUrl, String method, String pathAndQuery, Map<String, String> headers, byte[] body, boolean chunked) {
        HttpRequest request;
        try {
            var builder = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(6));
            headers.forEach(builder::header);
            HttpRequest.BodyPublisher publisher;
            if (body == null) {
                publisher = HttpRequest.BodyPublishers.noBody();
            } else if (chunked) {
                publisher = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(body));
            } else {
                publisher = HttpRequest.BodyPublishers.ofByteArray(body);
            }
            request = builder.method(method, publisher).build();
        } catch (IllegalArgumentException e) {
            return new Answer(-2, "", "", Map.of(), "not sendable by an HTTP client: " + e.getMessage());
        }
        var answer = exchange(request);
        if (answer.status() == -1 && answer.error().startsWith("HttpTimeoutException")) {
            // Once more on a connection of its own: is it the request, or the connection it was sent on?
            http = newClient();
            answer = exchange(request);
            if (answer.status() != -1) {
                retriedOnNewConnection.add(method + " " + pathAndQuery);
            }
        }
        return answer;
    }

    private Answer exchange(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            var contentType = response.headers().firstValue("Content-Type").orElse("");
            String text;
            try (var in = response.body()) {
                text = contentType.startsWith("text/event-stream") ? "" : new String(in.readNBytes(2 << 20), StandardCharsets.UTF_8);
            }
            return new Answer(response.statusCode(), contentType, text, response.headers().map(), null);
        } catch (IOException e) {
            return new Answer(-1, "", "", Map.of(), e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
