package market.resale.support.domain;

/** What an agent decides for a case in review or mediation. */
public enum Resolution {
    /** Order orders-service to cancel the order (rule 5, also after shipping); resolved once it is carried out. */
    ORDER_CANCELLATION,
    NO_CANCELLATION,
    REJECT
}
