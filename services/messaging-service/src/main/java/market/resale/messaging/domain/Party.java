package market.resale.messaging.domain;

/** In which capacity someone writes in a conversation. */
public enum Party {
    BUYER, SELLER, SUPPORT, SYSTEM
}
