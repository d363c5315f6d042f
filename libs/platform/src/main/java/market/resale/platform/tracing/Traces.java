package market.resale.platform.tracing;

import io.micrometer.tracing.handler.TracingObservationHandler;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/** The trace an HTTP exchange belongs to (its server observation's span), for answers and logs. */
public final class Traces {

    private Traces() {
    }

    /** The exchange's trace id (32 hex digits), or null when it is not traced. */
    public static String traceId(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .map(context -> context.<TracingObservationHandler.TracingContext>get(TracingObservationHandler.TracingContext.class))
                .map(tracing -> tracing.getSpan())
                .map(span -> span.context().traceId())
                .filter(id -> !id.isBlank() && !id.chars().allMatch(c -> c == '0'))
                .orElse(null);
    }
}
