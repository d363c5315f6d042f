package market.resale.orders.domain;

/** One step in an order's history, as buyers and sellers see it (rule 10). */
public record TimelineEntry(String event, long at, String detail) {

    public static final String PLACED = "PLACED";
    public static final String SHIPPED = "SHIPPED";
    public static final String WINDOW_CLOSED = "CANCELLATION_WINDOW_CLOSED";
    public static final String CANCEL_REQUESTED = "CANCEL_REQUESTED";
    public static final String CANCELLED = "CANCELLED";
    public static final String CANCEL_REFUSED = "CANCEL_REFUSED";
    public static final String SCAN_AFTER_CANCELLATION = "SCAN_AFTER_CANCELLATION";
    public static final String SELLER_COMMENTED = "SELLER_COMMENTED_ON_BUYER";
    public static final String CREDIT_ISSUED = "CREDIT_ISSUED";
    public static final String CASE_OPENED = "CASE_OPENED";
    public static final String CASE_RESOLVED = "CASE_RESOLVED";
    public static final String SHIP_BY_MISSED = "SHIP_BY_MISSED";
    public static final String RATED = "RATED";
}
