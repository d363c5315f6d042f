package market.resale.support.domain;

/** Why a write to a case was refused; {@code code} is the stable code clients switch on. */
public enum Refusal {
    UNKNOWN_ORDER("not-found", Kind.NOT_FOUND),
    UNKNOWN_CASE("not-found", Kind.NOT_FOUND),
    NOT_A_PARTY("not-found", Kind.NOT_FOUND),
    NOT_ALLOWED("forbidden", Kind.FORBIDDEN),
    CASE_TYPE_NOT_ALLOWED("case-type-not-allowed", Kind.UNPROCESSABLE),
    /** A quoted message id that is not an entry of the order's conversation (as far as support has read it). */
    UNKNOWN_MESSAGE("unknown-message", Kind.UNPROCESSABLE),
    CASE_CLOSED("case-closed", Kind.CONFLICT),
    INVALID_TRANSITION("invalid-transition", Kind.CONFLICT),
    CANCELLATION_PENDING("cancellation-pending", Kind.CONFLICT),
    EVIDENCE_LIMIT_REACHED("evidence-limit-reached", Kind.CONFLICT),
    FILE_TOO_LARGE("file-too-large", Kind.TOO_LARGE),
    FILE_TYPE_NOT_ALLOWED("file-type-not-allowed", Kind.UNSUPPORTED_TYPE),
    FILE_EMPTY("file-empty", Kind.BAD_REQUEST),
    INVALID_COMMAND("invalid-command", Kind.BAD_REQUEST);

    public enum Kind { NOT_FOUND, FORBIDDEN, UNPROCESSABLE, CONFLICT, TOO_LARGE, UNSUPPORTED_TYPE, BAD_REQUEST }

    private final String code;
    private final Kind kind;

    Refusal(String code, Kind kind) {
        this.code = code;
        this.kind = kind;
    }

    public String code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }
}
