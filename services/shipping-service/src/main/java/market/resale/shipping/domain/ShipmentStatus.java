package market.resale.shipping.domain;

/** Where the parcel is, as far as the scans tell; it only moves forward (a late, older scan does not set it back). */
public enum ShipmentStatus {
    AWAITING_LABEL, LABEL_CREATED, SHIPPED, DELIVERED, RETURNED_TO_SENDER;

    static ShipmentStatus after(ScanType type) {
        return switch (type) {
            case LABEL_CREATED -> LABEL_CREATED;
            case ACCEPTED, IN_TRANSIT, OUT_FOR_DELIVERY -> SHIPPED;
            case DELIVERED -> DELIVERED;
            case RETURNED_TO_SENDER -> RETURNED_TO_SENDER;
            case UNKNOWN -> AWAITING_LABEL; // the least: the status stays where it is
        };
    }

    ShipmentStatus furthest(ShipmentStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
