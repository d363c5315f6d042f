package market.resale.orders.domain;

/** Why a cancellation is refused; the same names travel in {@code CancellationRejected.code}. */
public enum RejectionCode {
    WINDOW_EXPIRED,
    ALREADY_SHIPPED,
    ALREADY_CANCELLED,
    STALE_CONFIRMATION,
    NOT_A_PARTY,
    ACTOR_NOT_ALLOWED
}
