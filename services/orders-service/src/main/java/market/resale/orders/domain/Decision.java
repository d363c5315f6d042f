package market.resale.orders.domain;

/** The answer to a cancellation: allowed with the refund, or refused with a reason code. */
public sealed interface Decision {

    record Allowed(long refundCents, String currency) implements Decision {
    }

    record Refused(RejectionCode code, String detail, String trackingNumber) implements Decision {
    }

    default boolean allowed() {
        return this instanceof Allowed;
    }
}
