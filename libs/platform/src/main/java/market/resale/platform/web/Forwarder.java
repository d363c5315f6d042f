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
 * itself and never forwards again (during a rebalance two instances may briefly disagree). The mark
 * ({@value #FORWARDED}) is {@code <expiry epoch seconds>.<HMAC-SHA256>} over the method, the path with its
 * query and the expiry, under the key the service's instances share ({@code app.web.forward-key}): a caller
 * cannot make one, so a caller's header changes nothing, and a mark is good for {@link #MARK_VALIDITY} only.
 */
public class Forwarder {

    public static final String FORWARDED = "X-Forwarded-To-Owner";
    /** Forwarded too: a retried write must reach the owner with its key, or it would be applied twice. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    static final Duration MARK_VALIDITY = Duration.ofSeconds(30);

    private final WebClient client;
    private final Duration timeout;
    private final javax.crypto.spec.SecretKeySpec key;
    private final java.time.Clock clock;

    public Forwarder(WebClient.Builder builder, Duration timeout, byte[] key, java.time.Clock clock) {
        this.client = builder.build();
        this.timeout = timeout;
        this.key = new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256");
        this.clock = clock;
    }

    /** The same forwarder (its key and clock) for answers up to {@code maxBytes} (a file), with its own timeout. */
    public Forwarder forLargeAnswers(int maxBytes, Duration timeout) {
        return new Forwarder(client.mutate().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(maxBytes)), timeout,
                key.getEncoded(), clock);
    }

    /** Forwarded here by another instance of this service: the request carries a valid mark for its own method and path. */
    public boolean alreadyForwarded(ServerHttpRequest request) {
        var mark = request.getHeaders().getFirst(FORWARDED);
        if (mark == null) {
            return false;
        }
        var dot = mark.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long expires;
        try {
            expires = Long.parseLong(mark.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        var now = clock.instant().getEpochSecond();
        if (expires < now || expires > now + MARK_VALIDITY.toSeconds()) {
            return false;
        }
        var expected = mac(request.getMethod().name(), target(request), expires);
        return java.security.MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                mark.substring(dot + 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The mark for a request of {@code method} to {@code target} (raw path and query). */
    String mark(String method, String target) {
        var expires = clock.instant().getEpochSecond() + MARK_VALIDITY.toSeconds();
        return expires + "." + mac(method, target, expires);
    }

    private String mac(String method, String target, long expires) {
        try {
            var mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(key);
            var digest = mac.doFinal((method + "\n" + target + "\n" + expires).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String target(ServerHttpRequest request) {
        var query = request.getURI().getRawQuery();
        return request.getURI().getRawPath() + (query == null ? "" : "?" + query);
    }

    public Mono<ResponseEntity<byte[]>> forward(String owner, ServerHttpRequest request, byte[] body) {
        var target = target(request);
        var uri = "http://" + owner + target;
        var spec = client.method(request.getMethod()).uri(java.net.URI.create(uri))
                .headers(h -> {
                    copy(request.getHeaders(), h, HttpHeaders.AUTHORIZATION);
                    copy(request.getHeaders(), h, HttpHeaders.CONTENT_TYPE);
                    copy(request.getHeaders(), h, HttpHeaders.ACCEPT);
                    copy(request.getHeaders(), h, IDEMPOTENCY_KEY);
                    h.set(FORWARDED, mark(request.getMethod().name(), target));
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
                    h.set(FORWARDED, mark("GET", path));
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
