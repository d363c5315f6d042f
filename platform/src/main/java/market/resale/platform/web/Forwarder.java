package market.resale.platform.web;

import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * Forwards a request unchanged (method, path, query, body, caller's token) to the instance that owns
 * the key, and relays its answer. The forwarded request is marked so that the owner answers it
 * itself and never forwards again (during a rebalance two instances may briefly disagree).
 */
public class Forwarder {

    public static final String FORWARDED = "X-Forwarded-To-Owner";
    /** Forwarded too: a retried write must reach the owner with its key, or it would be applied twice. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final WebClient client;
    private final Duration timeout;

    public Forwarder(WebClient.Builder builder, Duration timeout) {
        this.client = builder.build();
        this.timeout = timeout;
    }

    public static boolean alreadyForwarded(ServerHttpRequest request) {
        return request.getHeaders().containsHeader(FORWARDED);
    }

    public Mono<ResponseEntity<byte[]>> forward(String owner, ServerHttpRequest request, byte[] body) {
        var uri = "http://" + owner + request.getURI().getRawPath()
                + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery());
        var spec = client.method(request.getMethod()).uri(java.net.URI.create(uri))
                .headers(h -> {
                    copy(request.getHeaders(), h, HttpHeaders.AUTHORIZATION);
                    copy(request.getHeaders(), h, HttpHeaders.CONTENT_TYPE);
                    copy(request.getHeaders(), h, HttpHeaders.ACCEPT);
                    copy(request.getHeaders(), h, IDEMPOTENCY_KEY);
                    h.set(FORWARDED, "1");
                });
        var withBody = body == null || body.length == 0 ? spec : spec.bodyValue(body);
        return withBody.exchangeToMono(response -> response.toEntity(byte[].class))
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof ApiProblem), e -> new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE,
                        "owner-unreachable", "The instance that owns this data did not answer; retry shortly.")
                        .retryAfterSeconds(1));
    }

    /**
     * Asks the owner of another key a question of its own (a GET of {@code path}) on behalf of the
     * caller of {@code request}, whose token it carries; the answer is the owner's, unchanged.
     */
    public Mono<ResponseEntity<byte[]>> get(String owner, String path, ServerHttpRequest request) {
        return client.get().uri(java.net.URI.create("http://" + owner + path))
                .headers(h -> {
                    copy(request.getHeaders(), h, HttpHeaders.AUTHORIZATION);
                    h.set(FORWARDED, "1");
                })
                .exchangeToMono(response -> response.toEntity(byte[].class))
                .timeout(timeout);
    }

    private static void copy(HttpHeaders from, HttpHeaders to, String name) {
        var values = from.get(name);
        if (values != null) {
            to.put(name, values);
        }
    }
}
