package market.resale.schemas.topics;

import java.util.List;

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

    /** The values of {@link #REASON}: stable codes, also the {@code reason} tag of {@code dead_lettered_records_total}. */
    public static final String NOT_DESERIALIZABLE = "not-deserializable";
    public static final String INVALID = "invalid";
    /** An event about an order the service has not seen placed (re-drive it once the placement has arrived). */
    public static final String UNKNOWN_ORDER = "unknown-order";
    /** The same id again with different content: the first one stands. */
    public static final String CONFLICTING_DUPLICATE = "conflicting-duplicate";
    public static final List<String> REASONS = List.of(NOT_DESERIALIZABLE, INVALID, UNKNOWN_ORDER, CONFLICTING_DUPLICATE);

    private DeadLetterHeaders() {
    }
}
