package market.resale.orders.domain;

import market.resale.platform.kafka.SourceOffset;

/**
 * The outcome of one submitted cancellation, kept so its caller can ask for it and a redelivery changes nothing.
 *
 * @param fingerprint what the command asked ({@link CancelRequest#fingerprint}): the same key sent with another request
 *                    is refused rather than given this answer; null for an attempt stored before it was recorded
 * @param source      the command record it was decided from: the answer waits until that record's processing committed
 */
public record Attempt(String commandId, Actor actor, String actorId, boolean cancelled, RejectionCode code, String detail,
                      String trackingNumber, long refundCents, long decidedAt, String fingerprint, SourceOffset source) {

    public static Attempt of(CancelRequest request, Decision decision, long decidedAt) {
        return switch (decision) {
            case Decision.Allowed a -> new Attempt(request.commandId(), request.actor(), request.actorId(), true, null,
                    null, null, a.refundCents(), decidedAt, request.fingerprint(), request.source());
            case Decision.Refused r -> new Attempt(request.commandId(), request.actor(), request.actorId(), false, r.code(),
                    r.detail(), r.trackingNumber(), 0, decidedAt, request.fingerprint(), request.source());
        };
    }

    /** Whether this is the answer to a request with this fingerprint (one recorded without a fingerprint answers any). */
    public boolean answers(String requestFingerprint) {
        return fingerprint == null || fingerprint.equals(requestFingerprint);
    }
}
