package market.resale.shipping.domain;

/** What a change to a shipment announces. */
public sealed interface ShippingEvent {

    /** The first scan that means the parcel left the seller: the order counts as shipped (rule 2). */
    record Shipped(Scan scan) implements ShippingEvent {
    }

    /** A cancelled order's label is no longer to be used. */
    record LabelVoided(String trackingNumber, String carrier, String cancelCommandId, long voidedAt) implements ShippingEvent {
    }

    /** The parcel of a cancelled order is moving: it must come back, the buyer keeps the credit (rule 8). */
    record Conflict(Scan scan, long cancelledAt, long detectedAt) implements ShippingEvent {
    }
}
