package market.resale.shipping.domain;

/**
 * The cancellation orders-service decided for the order.
 *
 * @param bySupport an agent ordered it as the outcome of a case (rule 5), knowing the parcel may
 *                  already be moving: its return is part of that case, so no conflict is reported
 */
public record Cancellation(String commandId, long cancelledAt, boolean bySupport) {

    public Cancellation(String commandId, long cancelledAt) {
        this(commandId, cancelledAt, false);
    }
}
