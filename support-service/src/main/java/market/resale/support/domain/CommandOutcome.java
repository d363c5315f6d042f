package market.resale.support.domain;

/**
 * What the processor decided for one HTTP command, kept under the command id so that the HTTP
 * request (or its retry with the same Idempotency-Key) gets the answer, and a redelivered command
 * changes nothing.
 *
 * @param created    a new case was opened (rather than the request added to the open one)
 * @param evidenceId the evidence the command added, if any
 */
public record CommandOutcome(String commandId, String orderId, String caseId, boolean created, Refusal refusal,
                             String detail, String evidenceId, long at) {

    public static CommandOutcome done(String commandId, String orderId, String caseId, boolean created, String evidenceId,
                                      long at) {
        return new CommandOutcome(commandId, orderId, caseId, created, null, null, evidenceId, at);
    }

    public static CommandOutcome refused(String commandId, String orderId, String caseId, Refusal refusal, String detail,
                                         long at) {
        return new CommandOutcome(commandId, orderId, caseId, false, refusal, detail, null, at);
    }

    public boolean accepted() {
        return refusal == null;
    }
}
