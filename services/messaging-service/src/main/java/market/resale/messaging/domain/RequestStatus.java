package market.resale.messaging.domain;

public enum RequestStatus {
    /** Waiting for the seller. */
    PENDING,
    /** The seller approved; orders-service has not answered yet. */
    APPROVED,
    DECLINED,
    /** The order was cancelled (by this request's approval or otherwise). */
    CANCELLED,
    /** The seller approved but orders-service refused the cancellation (it shipped first, for instance). */
    REFUSED,
    /** The order shipped before the seller answered: the request ended without a cancellation. */
    CLOSED;

    /** Still open: another request for the same order would compete with it. */
    public boolean open() {
        return this == PENDING || this == APPROVED;
    }
}
