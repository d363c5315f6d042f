package market.resale.support.domain;

/** open -> in review -> (mediation) -> resolved or rejected. */
public enum CaseStatus {
    OPEN, IN_REVIEW, MEDIATION, RESOLVED, REJECTED;

    public boolean closed() {
        return this == RESOLVED || this == REJECTED;
    }
}
