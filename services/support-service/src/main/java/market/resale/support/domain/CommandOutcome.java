package market.resale.support.domain;

import market.resale.platform.kafka.SourceOffset;

/**
 * What the processor decided for one HTTP command, kept under the command id so that the HTTP
 * request (or its retry with the same Idempotency-Key) gets the answer, and a redelivered command
 * changes nothing.
 *
 * @param created     a new case was opened (rather than the request added to the open one)
 * @param evidenceId  the evidence the command added, if any
 * @param action      the command's action: which endpoint the answer belongs to
 * @param fingerprint a hash of everything the command asked ({@code CaseRecords.fingerprint}): the same
 *                    key sent with another request must not get this answer ({@link #answers})
 * @param source      the command record it was decided from: the answer waits until that record's processing committed
 */
public record CommandOutcome(String commandId, String orderId, String caseId, boolean created, Refusal refusal,
                             String detail, String evidenceId, long at, String action, String fingerprint,
                             SourceOffset source) {

    public static CommandOutcome done(String commandId, String orderId, String caseId, boolean created, String evidenceId,
                                      long at) {
        return new CommandOutcome(commandId, orderId, caseId, created, null, null, evidenceId, at, null, null, null);
    }

    public static CommandOutcome refused(String commandId, String orderId, String caseId, Refusal refusal, String detail,
                                         long at) {
        return new CommandOutcome(commandId, orderId, caseId, false, refusal, detail, null, at, null, null, null);
    }

    /**
     * This outcome, as the answer to the request {@code action} with this {@code fingerprint}, decided from the
     * command record {@code source} (the answer waits until that record's processing committed).
     */
    public CommandOutcome forRequest(String requestAction, String requestFingerprint, SourceOffset source) {
        return new CommandOutcome(commandId, orderId, caseId, created, refusal, detail, evidenceId, at, requestAction,
                requestFingerprint, source);
    }

    /** Whether this is the answer to that request; one recorded before requests were fingerprinted is taken as it is. */
    public boolean answers(String requestAction, String requestFingerprint) {
        return action == null || action.equals(requestAction) && (fingerprint == null || fingerprint.equals(requestFingerprint));
    }

    public boolean accepted() {
        return refusal == null;
    }
}
