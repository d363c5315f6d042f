package market.resale.platform.web;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An error answered as {@code application/problem+json} (RFC 9457). {@code code} is stable: clients
 * switch on it (it is also the last segment of {@code type}); {@code detail} is for people.
 */
public class ApiProblem extends RuntimeException {

    public static final String TYPE_BASE = "https://resale.market/problems/";

    private final HttpStatus status;
    private final String code;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Integer retryAfterSeconds;

    public ApiProblem(HttpStatus status, String code, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", what + " not found");
    }

    public static ApiProblem badRequest(String code, String detail) {
        return new ApiProblem(HttpStatus.BAD_REQUEST, code, detail);
    }

    /** 400 about one field of the body: {@code fields} names it, as every invalid field is named. */
    public static ApiProblem invalidField(String code, String field, String detail) {
        return badRequest(code, detail).with("fields", java.util.Map.of(field, detail));
    }

    public ApiProblem with(String property, Object value) {
        properties.put(property, value);
        return this;
    }

    public ApiProblem retryAfterSeconds(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Integer retryAfter() {
        return retryAfterSeconds;
    }

    public ProblemDetail toProblemDetail() {
        return problem(status, code, getMessage(), properties);
    }

    public static ProblemDetail problem(HttpStatus status, String code, String detail, Map<String, Object> properties) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + code));
        problem.setTitle(status.getReasonPhrase());
        problem.setProperty("code", code);
        properties.forEach(problem::setProperty);
        return problem;
    }
}
