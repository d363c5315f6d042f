package market.resale.platform.web;

import jakarta.validation.ConstraintViolationException;
import java.util.Map;
import java.util.stream.Collectors;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.tracing.Traces;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Every error an HTTP caller can cause becomes a problem+json answer with a stable code and, when the
 * request is traced, its {@code traceId}; nothing leaks a stack trace.
 */
@RestControllerAdvice
public class ProblemHandling {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem, ServerWebExchange exchange) {
        var response = ResponseEntity.status(problem.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, problem.retryAfter().toString());
        }
        return response.body(traced(problem.toProblemDetail(), exchange));
    }

    @ExceptionHandler(WebExchangeBindException.class)
    ResponseEntity<ProblemDetail> invalid(WebExchangeBindException e, ServerWebExchange exchange) {
        var fields = e.getFieldErrors().stream().collect(Collectors.toMap(
                f -> f.getField(), f -> String.valueOf(f.getDefaultMessage()), (a, b) -> a + "; " + b));
        return respond(exchange, HttpStatus.BAD_REQUEST, "invalid-request", "The request has invalid fields", Map.of("fields", fields));
    }

    /** A constraint on a query parameter or path variable of a {@code @Validated} controller (page=-1, size=1000000). */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraint(ConstraintViolationException e, ServerWebExchange exchange) {
        var fields = e.getConstraintViolations().stream().collect(Collectors.toMap(
                v -> lastNode(v.getPropertyPath().toString()), v -> String.valueOf(v.getMessage()), (a, b) -> a + "; " + b));
        return respond(exchange, HttpStatus.BAD_REQUEST, "invalid-request", "The request has invalid parameters", Map.of("fields", fields));
    }

    /** A Content-Type header that is not a media type (an unknown charset, say) read by a handler. */
    @ExceptionHandler(InvalidMediaTypeException.class)
    ResponseEntity<ProblemDetail> invalidMediaType(InvalidMediaTypeException e, ServerWebExchange exchange) {
        return respond(exchange, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "The Content-Type is not a valid media type", Map.of());
    }

    /**
     * A body that is JSON but does not fit the endpoint (a wrong type, an unknown enum value, a number out of range) names
     * the field ({@code fields}) and, for an enum, the values allowed ({@code allowedValues}): 400 {@code invalid-request}
     * like any invalid field. Only a body that is not JSON at all is {@code malformed-request}.
     */
    @ExceptionHandler(ServerWebInputException.class)
    ResponseEntity<ProblemDetail> unreadable(ServerWebInputException e, ServerWebExchange exchange) {
        var json = jacksonCause(e);
        var field = json == null ? null : fieldOf(json);
        if (field != null) {
            var target = json instanceof tools.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null;
            Map<String, Object> props = new java.util.LinkedHashMap<>();
            props.put("fields", Map.of(field, expectation(target)));
            if (target != null && target.isEnum()) {
                props.put("allowedValues", Map.of(field, allowed(target)));
            }
            return respond(exchange, HttpStatus.BAD_REQUEST, "invalid-request", "The request has invalid fields", props);
        }
        var cause = e.getMostSpecificCause();
        var detail = cause instanceof DecodingException || e.getCause() instanceof DecodingException
                ? "The request body is not valid JSON for this endpoint"
                : e.getReason() == null ? "The request could not be read" : e.getReason();
        return respond(exchange, HttpStatus.BAD_REQUEST, "malformed-request", detail, Map.of());
    }

    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<ProblemDetail> status(ResponseStatusException e, ServerWebExchange exchange) {
        var status = HttpStatus.resolve(e.getStatusCode().value());
        status = status == null ? HttpStatus.BAD_REQUEST : status;
        var code = switch (status) {
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            case NOT_ACCEPTABLE -> "not-acceptable";
            case CONTENT_TOO_LARGE -> "body-too-large";
            default -> status.is4xxClientError() ? "bad-request" : "server-error";
        };
        return respond(exchange, status, code, e.getReason() == null ? status.getReasonPhrase() : e.getReason(), Map.of());
    }

    /**
     * A store read while the stream thread is rebalancing or restoring (stores are looked up lazily,
     * so this surfaces at the read, not when the store is obtained): retry shortly, not a server error.
     */
    @ExceptionHandler({InvalidStateStoreException.class, KeyOwnerRouter.Rebalancing.class})
    public ResponseEntity<ProblemDetail> rebalancing(RuntimeException e, ServerWebExchange exchange) {
        return apiProblem(rebalancing(), exchange);
    }

    /** The answer while partitions move: a 503 the client retries after a second. */
    public static ApiProblem rebalancing() {
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "rebalancing",
                "The service is taking over or restoring partitions; retry shortly.").retryAfterSeconds(1);
    }

    /**
     * The firewall checks query parameter names when they are first read, after its filter has run
     * (FirewallRejections answers the rest): the same answer, not a server error.
     */
    @ExceptionHandler(ServerExchangeRejectedException.class)
    ResponseEntity<ProblemDetail> rejectedTarget(ServerExchangeRejectedException e, ServerWebExchange exchange) {
        return respond(exchange, HttpStatus.BAD_REQUEST, "invalid-request-target",
                "The request path or query has characters or sequences that are not accepted", Map.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, ServerWebExchange exchange) {
        log.error("Unexpected error", e);
        return respond(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "server-error", "Something went wrong on our side", Map.of());
    }

    private static tools.jackson.core.JacksonException jacksonCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof tools.jackson.core.JacksonException json) {
                return json;
            }
        }
        return null;
    }

    /** The field of the body the error is about ({@code items[2].size}), or null when the body is not JSON at all. */
    private static String fieldOf(tools.jackson.core.JacksonException e) {
        var path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        if (path.isEmpty() && e instanceof tools.jackson.core.exc.InputCoercionException
                && e.processor() instanceof tools.jackson.core.JsonParser parser) {
            // A number out of range is found while reading, before a field is bound: the parser knows where it is.
            return parser.streamReadContext().currentName();
        }
        return path.isEmpty() ? null : path.toString();
    }

    /** An enum's values a client may send: not UNKNOWN, a contract enum's reader default for symbols newer than the reader. */
    private static java.util.List<String> allowed(Class<?> enumType) {
        return java.util.Arrays.stream(enumType.getEnumConstants()).map(String::valueOf).filter(v -> !v.equals("UNKNOWN")).toList();
    }

    private static String expectation(Class<?> target) {
        if (target == null) {
            return "is not a valid value here";
        }
        if (target.isEnum()) {
            return "must be one of " + String.join(", ", allowed(target));
        }
        if (target == long.class || target == Long.class || target == int.class || target == Integer.class) {
            return "must be a whole number within range";
        }
        if (target == String.class) {
            return "must be text";
        }
        if (target == java.time.Instant.class) {
            return "must be an ISO-8601 instant such as 2026-12-07T10:15:30Z";
        }
        if (target == java.time.Duration.class) {
            return "must be an ISO-8601 duration such as PT1H";
        }
        if (target == boolean.class || target == Boolean.class) {
            return "must be true or false";
        }
        if (java.util.Collection.class.isAssignableFrom(target)) {
            return "must be a list";
        }
        return "must be an object of the documented shape";
    }

    private static String lastNode(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    private static ResponseEntity<ProblemDetail> respond(ServerWebExchange exchange, HttpStatus status, String code, String detail,
                                                         Map<String, Object> props) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(traced(ApiProblem.problem(status, code, detail, props), exchange));
    }

    /** The request's trace id, so that a caller reporting a problem names the trace that shows what happened. */
    private static ProblemDetail traced(ProblemDetail problem, ServerWebExchange exchange) {
        var traceId = Traces.traceId(exchange);
        if (traceId != null) {
            problem.setProperty(ProblemResponses.TRACE_ID, traceId);
        }
        return problem;
    }
}
