package market.resale.systemtests;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.node.ObjectNode;

/**
 * Bad bearer tokens made from a real one (minted by {@code /dev/tokens}): re-signed with another
 * secret, expired, unsigned ({@code alg: none}), tampered after signing, and well signed with a subject
 * no identity provider should issue. Signing is plain HS256, so nothing here depends on the service's code.
 */
final class FuzzTokens {

    /** The local profile's dev secret (the services' yml default). */
    static final String DEV_SECRET = "local-dev-secret-change-me-0123456789abcdef";
    private static final String OTHER_SECRET = "an-attacker-secret-that-is-long-enough-0123456789";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final String header;
    private final ObjectNode claims;

    FuzzTokens(String realToken) {
        var parts = realToken.split("\\.");
        this.header = parts[0];
        this.claims = (ObjectNode) ServiceProcess.JSON.readTree(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8));
    }

    /** The same claims signed with a secret the services do not know. */
    String forged() {
        return sign(header, claims, OTHER_SECRET);
    }

    /** Correctly signed, expired an hour ago. */
    String expired() {
        var c = claims.deepCopy();
        var now = System.currentTimeMillis() / 1000;
        c.put("iat", now - 7200);
        c.put("exp", now - 3600);
        return sign(header, c, DEV_SECRET);
    }

    /** No signature at all. */
    String unsigned() {
        var none = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return none + "." + B64.encodeToString(ServiceProcess.JSON.writeValueAsBytes(claims)) + ".";
    }

    /** Claims changed after signing (roles raised to SUPPORT), the original signature kept. */
    String tampered(String realToken) {
        var c = claims.deepCopy();
        c.putArray("roles").add("SUPPORT");
        var parts = realToken.split("\\.");
        return parts[0] + "." + B64.encodeToString(ServiceProcess.JSON.writeValueAsBytes(c)) + "." + parts[2];
    }

    /** Correctly signed, with this subject and these roles (as an identity provider could issue). */
    String withSubject(String subject, String... roles) {
        var c = claims.deepCopy();
        c.put("sub", subject);
        var array = c.putArray("roles");
        for (var role : roles) {
            array.add(role);
        }
        return sign(header, c, DEV_SECRET);
    }

    private static String sign(String header, ObjectNode claims, String secret) {
        var signingInput = header + "." + B64.encodeToString(ServiceProcess.JSON.writeValueAsBytes(claims));
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
