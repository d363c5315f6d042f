package market.resale.support.domain;

/** In which capacity someone acts on a case: a party of the order, a support agent, or the service itself. */
public enum ActorRole {
    BUYER, SELLER, SUPPORT, SYSTEM;

    public boolean isParty() {
        return this == BUYER || this == SELLER;
    }
}
