package market.resale.support.domain;

/** What an audit entry records; one CaseEvent is published per entry. */
public enum CaseAction {
    OPENED, EVIDENCE_ADDED, STATEMENT_ADDED, ASSIGNED, REVIEW_STARTED, MEDIATION_STARTED,
    CANCELLATION_ORDERED, CANCELLATION_CARRIED_OUT, CANCELLATION_REFUSED, RESOLVED, REJECTED
}
