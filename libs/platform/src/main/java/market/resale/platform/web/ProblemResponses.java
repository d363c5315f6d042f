package market.resale.platform.web;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import market.resale.platform.tracing.Traces;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem+json answer from a web filter or the security chain, where no controller advice
 * applies; the same shape as {@link ApiProblem}, with the request's {@code traceId} when it is traced.
 */
public final class ProblemResponses {

    /** The problem member naming the request's trace. */
    public static final String TRACE_ID = "traceId";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String code, String detail, Map<String, Object> extra) {
        var response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        var body = new LinkedHashMap<String, Object>();
        body.put("type", ApiProblem.TYPE_BASE + code);
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("code", code);
        body.put("instance", exchange.getRequest().getPath().value());
        body.putAll(extra);
        var traceId = Traces.traceId(exchange);
        if (traceId != null) {
            body.put(TRACE_ID, traceId);
        }
        var bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}
