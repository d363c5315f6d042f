package market.resale.support.domain;

/** How a closed case ended. */
public enum Outcome {
    ORDER_CANCELLED, RESOLVED_WITHOUT_CANCELLATION, REJECTED
}
