package market.resale.platform.security;

/** What a caller may be; carried in the token's {@code roles} claim. */
public enum Role {
    BUYER, SELLER, SUPPORT;

    public String authority() {
        return "ROLE_" + name();
    }
}
