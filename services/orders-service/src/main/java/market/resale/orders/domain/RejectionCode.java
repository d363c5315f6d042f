package market.resale.orders.domain;

/** Why a cancellation is refused; the same names travel in {@code CancellationRejected.code}. */
public enum RejectionCode {
    WINDOW_EXPIRED,
    ALREADY_SHIPPED,
    ALREADY_CANCELLED,
    STALE_CONFIRMATION,
    NOT_A_PARTY,
    ACTOR_NOT_ALLOWED,
    /** A seller-approved cancellation that does not name the buyer's request it answers. */
    REQUEST_REQUIRED,
    /** A support cancellation that does not name the case it is the outcome of. */
    CASE_REQUIRED,
    /** A buyer or seller confirming without the version they were shown (rule 7). */
    CONFIRMATION_REQUIRED,
    /** A reason this actor may not give. */
    REASON_NOT_ALLOWED,
    /** SELLER_DID_NOT_SHIP before the ship-by deadline has passed (rule 13). */
    SHIP_BY_NOT_PASSED
}
