package market.resale.messaging.domain;

import market.resale.platform.kafka.SourceOffset;


/**
 * What became of one conversation command, kept by its id so that a retried HTTP call (same
 * Idempotency-Key) or a redelivered command gets the same answer.
 *
 * <p>{@code action} and {@code fingerprint} (a hash of what was asked: action, request, text, reason)
 * say which request the answer belongs to: the same key sent with another request — another endpoint
 * or another body — must not be answered with it ({@link #answers}).
 */
public record CommandOutcome(String commandId, boolean accepted, Refusal refusal, String detail, Long seq,
                             String messageId, String requestId, String trackingNumber, long decidedAt,
                             String action, String fingerprint, SourceOffset source) {

    public static CommandOutcome accepted(String commandId, Message message, String requestId, long now) {
        return new CommandOutcome(commandId, true, null, null, message == null ? null : message.seq(),
                message == null ? null : message.messageId(), requestId, null, now, null, null, null);
    }

    public static CommandOutcome refused(String commandId, Refusal refusal, String detail, String requestId,
                                         String trackingNumber, long now) {
        return new CommandOutcome(commandId, false, refusal, detail, null, null, requestId, trackingNumber, now, null, null, null);
    }

    /**
     * This outcome, as the answer to the request {@code action} with this {@code fingerprint}, decided from the
     * command record {@code source} (the answer waits until that record's processing committed).
     */
    public CommandOutcome forRequest(String requestAction, String requestFingerprint, SourceOffset source) {
        return new CommandOutcome(commandId, accepted, refusal, detail, seq, messageId, requestId, trackingNumber, decidedAt,
                requestAction, requestFingerprint, source);
    }

    /**
     * Whether this is the answer to that request. An outcome recorded before requests were
     * fingerprinted (no action) is taken as it is.
     */
    public boolean answers(String requestAction, String requestFingerprint) {
        return action == null || action.equals(requestAction) && (fingerprint == null || fingerprint.equals(requestFingerprint));
    }

    /**
     * The fingerprint of a conversation write: SHA-256 over its action, the request it answers, its
     * text and its reason (null and empty told apart). The HTTP layer and the processor compute it from
     * the same four values.
     */
    public static String fingerprint(String action, String requestId, String text, String reason) {
        return market.resale.platform.Fingerprints.of(action, requestId, text, reason);
    }
}
