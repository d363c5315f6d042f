package market.resale.messaging.domain;

public enum EntryKind {
    MESSAGE, CANCELLATION_REQUEST, REQUEST_APPROVED, REQUEST_DECLINED, SYSTEM_NOTE;

    /** What the buyer writes and expects the seller to answer (rule 4 counts these). */
    public boolean awaitsSeller() {
        return this == MESSAGE || this == CANCELLATION_REQUEST;
    }
}
