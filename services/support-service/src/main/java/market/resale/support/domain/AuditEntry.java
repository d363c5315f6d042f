package market.resale.support.domain;

/**
 * One recorded action: who did it, in which role, when, what, and the case's status and outcome
 * after it. {@code summary} never quotes a statement (events carrying it reach dashboards and
 * notifications; statements stay on the case).
 */
public record AuditEntry(int sequence, CaseAction action, String actorId, ActorRole actorRole, long at, String summary,
                         String evidenceId, CaseStatus statusAfter, Outcome outcomeAfter) {
}
