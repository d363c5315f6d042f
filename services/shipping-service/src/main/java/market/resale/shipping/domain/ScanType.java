package market.resale.shipping.domain;

/** What a carrier scan says about the parcel, in the order a parcel normally goes through them. */
public enum ScanType {
    LABEL_CREATED, ACCEPTED, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, RETURNED_TO_SENDER,
    /** A scan type newer than this service (the carrier contract's enum evolved): recorded, counted, changes nothing. */
    UNKNOWN;

    /** Whether the parcel has left the seller (rule 2): every known scan from {@code ACCEPTED} on. */
    public boolean moving() {
        return this != LABEL_CREATED && this != UNKNOWN;
    }
}
