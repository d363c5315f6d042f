package market.resale.messaging.domain;

/** Why a conversation command was not applied; {@link #code()} is the stable code HTTP callers switch on. */
public enum Refusal {
    /** The buyer can still cancel on their own: no need to ask the seller. */
    WINDOW_STILL_OPEN,
    ALREADY_SHIPPED,
    ALREADY_CANCELLED,
    /** The buyer already has a request the seller (or orders-service) has not answered. */
    REQUEST_PENDING,
    REQUEST_NOT_FOUND,
    /** The request was answered already, the other way. */
    REQUEST_NOT_PENDING,
    /** The caller is a party, but not the one who may do this (a seller asking, a buyer approving). */
    NOT_ALLOWED,
    /** The order's conversation has taken as many entries as it takes ({@code max-entries-per-order}). */
    CONVERSATION_LIMIT_REACHED,
    /** The order has had as many cancellation requests as it takes ({@code max-requests-per-order}). */
    REQUEST_LIMIT_REACHED,
    NOT_A_PARTY,
    UNKNOWN_ORDER,
    INVALID;

    public String code() {
        return name().toLowerCase().replace('_', '-');
    }
}
