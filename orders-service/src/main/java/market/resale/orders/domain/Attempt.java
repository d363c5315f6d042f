package market.resale.orders.domain;

/** The outcome of one submitted cancellation, kept so its caller can ask for it and a redelivery changes nothing. */
public record Attempt(String commandId, Actor actor, String actorId, boolean cancelled, RejectionCode code, String detail,
                      String trackingNumber, long refundCents, long decidedAt) {

    static Attempt of(CancelRequest request, Decision decision, long decidedAt) {
        return switch (decision) {
            case Decision.Allowed a -> new Attempt(request.commandId(), request.actor(), request.actorId(), true, null,
                    null, null, a.refundCents(), decidedAt);
            case Decision.Refused r -> new Attempt(request.commandId(), request.actor(), request.actorId(), false, r.code(),
                    r.detail(), r.trackingNumber(), 0, decidedAt);
        };
    }
}
