package market.resale.credits.domain;

public enum EntryType {
    /** Store credit from a cancelled order's refund. */
    CREDIT,
    /** Credit spent on a purchase. */
    REDEMPTION
}
