package market.resale.support.domain;

/** The four kinds of help-center case (rule 11, guide §5 and §7). */
public enum CaseType {
    CANCELLATION_REQUEST, NON_RESPONSIVE_SELLER, DISPUTE, COMPLAINT;

    /** Whether a party may open this type over HTTP; the seller cannot report itself as non-responsive. */
    public boolean openableBy(ActorRole role) {
        return switch (this) {
            case CANCELLATION_REQUEST, DISPUTE, COMPLAINT -> role.isParty();
            case NON_RESPONSIVE_SELLER -> role == ActorRole.BUYER;
        };
    }
}
