package market.resale.support.domain;

public enum EvidenceKind {
    STATEMENT, MESSAGE, FILE
}
