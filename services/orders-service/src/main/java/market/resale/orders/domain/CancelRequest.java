package market.resale.orders.domain;

import market.resale.platform.Fingerprints;
import market.resale.platform.kafka.SourceOffset;

/**
 * A confirmed cancellation as orders-service received it.
 *
 * @param note            what the one cancelling wrote to the other party; null when nothing
 * @param expectedVersion the order version the caller was shown; buyers and sellers must give it (rule 7), support may not
 * @param requestedAt     when the caller confirmed; the window is judged at this instant, not when the
 *                        record happens to be processed
 * @param reference       the buyer's request a seller approved, or the case a support agent decided; null otherwise
 * @param fingerprint     what was asked ({@link #fingerprint(Actor, String, String, Long)}); null where no caller waits
 * @param source          the command record it came from; null where it came from none
 */
public record CancelRequest(String commandId, Actor actor, String actorId, String reason, String note, Long expectedVersion,
                            long requestedAt, String reference, String fingerprint, SourceOffset source) {

    public CancelRequest(String commandId, Actor actor, String actorId, String reason, Long expectedVersion, long requestedAt,
                         String reference) {
        this(commandId, actor, actorId, reason, null, expectedVersion, requestedAt, reference, null, null);
    }

    /** What a cancellation asks, the same for the HTTP request and the command it becomes. */
    public static String fingerprint(Actor actor, String reason, String note, Long expectedVersion) {
        return Fingerprints.of("CANCEL", actor, reason, note, expectedVersion);
    }
}
