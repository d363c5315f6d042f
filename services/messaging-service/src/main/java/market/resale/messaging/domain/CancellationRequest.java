package market.resale.messaging.domain;

/**
 * A buyer's request that the seller cancel an order outside the buyer's own window (rule 4). The
 * seller answers it; when approved, orders-service decides and its answer is kept in
 * {@code outcomeCode} / {@code outcomeDetail} / {@code trackingNumber}.
 */
public record CancellationRequest(String requestId, String orderId, String buyerId, String reason, String note,
                                  RequestStatus status, long requestedAt, Long answeredAt, String answerNote,
                                  String cancelCommandId, String outcomeCode, String outcomeDetail, String trackingNumber,
                                  Long resolvedAt) {

    public static CancellationRequest pending(String requestId, String orderId, String buyerId, String reason, String note,
                                              long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.PENDING, now, null, null,
                null, null, null, null, null);
    }

    public CancellationRequest approved(String cancelCommandId, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.APPROVED, requestedAt, now,
                null, cancelCommandId, null, null, null, null);
    }

    public CancellationRequest declined(String answerNote, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.DECLINED, requestedAt, now,
                answerNote, null, null, null, null, null);
    }

    public CancellationRequest cancelled(String detail, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.CANCELLED, requestedAt,
                answeredAt, answerNote, cancelCommandId, "CANCELLED", detail, null, now);
    }

    public CancellationRequest refused(String code, String detail, String trackingNumber, long now) {
        return new CancellationRequest(requestId, orderId, buyerId, reason, note, RequestStatus.REFUSED, requestedAt,
                answeredAt, answerNote, cancelCommandId, code, detail, trackingNumber, now);
    }
}
