package market.resale.platform.web;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request whose declared {@code Content-Length} is above {@code app.web.max-body-size}
 * (default 64KB) with {@code 413} problem+json {@code body-too-large}, before anything is read. A body
 * without a declared length (chunked) is bounded where it is read: JSON by the codecs'
 * {@code spring.http.codecs.max-in-memory-size} (also {@code 413 body-too-large}), files by their endpoint.
 */
public class BodySizeLimit implements WebFilter, Ordered {

    /** After authentication (-100), before rate limiting: a refused body does not take from a bucket. */
    public static final int ORDER = RateLimiting.ORDER - 10;

    private final long maxBytes;

    public BodySizeLimit(DataSize max) {
        this.maxBytes = max.toBytes();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var length = exchange.getRequest().getHeaders().getContentLength();
        if (length <= maxBytes) {
            return chain.filter(exchange);
        }
        // The unread body is not drained: the connection is closed after this answer.
        exchange.getResponse().getHeaders().setConnection("close");
        return ProblemResponses.write(exchange, HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
                "The request body is larger than " + maxBytes + " bytes", java.util.Map.of("maxBytes", maxBytes));
    }
}
