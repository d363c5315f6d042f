package market.resale.messaging.domain;

/**
 * What became of one conversation command, kept by its id so that a retried HTTP call (same
 * Idempotency-Key) or a redelivered command gets the same answer.
 */
public record CommandOutcome(String commandId, boolean accepted, Refusal refusal, String detail, Long seq,
                             String messageId, String requestId, String trackingNumber, long decidedAt) {

    public static CommandOutcome accepted(String commandId, Message message, String requestId, long now) {
        return new CommandOutcome(commandId, true, null, null, message == null ? null : message.seq(),
                message == null ? null : message.messageId(), requestId, null, now);
    }

    public static CommandOutcome refused(String commandId, Refusal refusal, String detail, String requestId,
                                         String trackingNumber, long now) {
        return new CommandOutcome(commandId, false, refusal, detail, null, null, requestId, trackingNumber, now);
    }
}
