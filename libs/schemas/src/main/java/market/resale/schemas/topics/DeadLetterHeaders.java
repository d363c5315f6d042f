package market.resale.schemas.topics;

/**
 * The headers of a record on a {@code <service>.dlt} topic: why it is there and where it came from. The
 * services write them (platform {@code DeadLetters}); ops tools read them (reconcile, redrive).
 */
public final class DeadLetterHeaders {

    public static final String REASON = "dlt.reason";
    public static final String DETAIL = "dlt.detail";
    public static final String SOURCE_TOPIC = "dlt.source.topic";
    public static final String SOURCE_PARTITION = "dlt.source.partition";
    public static final String SOURCE_OFFSET = "dlt.source.offset";
    public static final String APPLICATION = "dlt.application";
    /** Every dead-letter header starts with it. */
    public static final String PREFIX = "dlt.";

    private DeadLetterHeaders() {
    }
}
