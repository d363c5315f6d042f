package market.resale.platform.security;

/**
 * What a caller may be; carried in the token's {@code roles} claim. {@code CARRIER} is a carrier
 * integration pushing scans over HTTP.
 */
public enum Role {
    BUYER, SELLER, SUPPORT, CARRIER;

    public String authority() {
        return "ROLE_" + name();
    }
}
