package market.resale.messaging.domain;

/**
 * A buyer's request that the seller cancel an order outside the buyer's own window (rule 4). The
 * seller answers it; when approved, orders-service decides and its answer is kept in
 * {@code outcomeCode} / {@code outcomeDetail} / {@code trackingNumber}. A request the seller has not
 * answered ends when the order ships ({@link RequestStatus#CLOSED}); while it waits, a seller found
 * non-responsive escalates it to support ({@code escalatedAt}, with the episode reported).
 *
 * @param escalatedAt when the seller was reported non-responsive while this request waited; null if never
 * @param escalation  the reported episode (support opens or extends a NON_RESPONSIVE_SELLER case from it)
 */
public record CancellationRequest(String requestId, String orderId, String buyerId, String reason, String note,
                                  RequestStatus status, long requestedAt, Long answeredAt, String answerNote,
                                  String cancelCommandId, String outcomeCode, String outcomeDetail, String trackingNumber,
                                  Long resolvedAt, Long escalatedAt, String escalation) {

    /** The outcome code of a request closed because the order shipped before the seller answered. */
    public static final String SHIPPED_FIRST = "ALREADY_SHIPPED";

    public static CancellationRequest pending(String requestId, String orderId, String buyerId, String reason, String note,
                                              long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.PENDING, now, null, null,
                null, null, null, null, null, null, null);
    }

    public CancellationRequest approved(String cancelCommandId, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.APPROVED, requestedAt, now,
                null, cancelCommandId, null, null, null, null, escalatedAt, escalation);
    }

    public CancellationRequest declined(String answerNote, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.DECLINED, requestedAt, now,
                answerNote, null, null, null, null, null, escalatedAt, escalation);
    }

    public CancellationRequest cancelled(String detail, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.CANCELLED, requestedAt,
                answeredAt, answerNote, cancelCommandId, "CANCELLED", detail, null, now, escalatedAt, escalation);
    }

    public CancellationRequest refused(String code, String detail, String trackingNumber, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.REFUSED, requestedAt,
                answeredAt, answerNote, cancelCommandId, code, detail, trackingNumber, now, escalatedAt, escalation);
    }

    /** The order shipped before the seller answered: the request ends, unanswered, and says why. */
    public CancellationRequest closedByShipping(String tracking, long now) {
        var detail = "The order shipped" + (tracking == null ? "" : " (tracking " + tracking + ")")
                + " before the seller answered, so it can no longer be cancelled. Start a return once it is delivered.";
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.CLOSED, requestedAt,
                answeredAt, answerNote, cancelCommandId, SHIPPED_FIRST, detail, tracking, now, escalatedAt, escalation);
    }

    /** The seller was reported non-responsive while this request waited. */
    public CancellationRequest escalated(String episodeId, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, status, requestedAt, answeredAt, answerNote,
                cancelCommandId, outcomeCode, outcomeDetail, trackingNumber, resolvedAt, now,
                "Unanswered: the seller was reported non-responsive (episode " + episodeId + ") and a help-center case "
                        + "(NON_RESPONSIVE_SELLER) was opened for this order; support decides if the seller does not.");
    }
}
