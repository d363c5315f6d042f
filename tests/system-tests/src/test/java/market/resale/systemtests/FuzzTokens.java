package market.resale.systemtests;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import market.resale.testsupport.TokenIssuer;

/**
 * Bad bearer tokens made from a real one (issued by the local stack's token issuer): re-signed with
 * another key under the issuer's key id, expired, unsigned ({@code alg: none}), tampered after signing,
 * and well signed by the issuer's own key with a subject it should never issue. Signing is Nimbus
 * RS256 with the issuer's key file, so nothing here depends on the services' code.
 */
final class FuzzTokens {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final JWTClaimsSet claims;
    private final RSAKey issuerKey;

    FuzzTokens(String realToken) {
        try {
            this.claims = SignedJWT.parse(realToken).getJWTClaimsSet();
            this.issuerKey = issuerKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The local stack issuer's signing key (a test may sign what the issuer never would). */
    static RSAKey issuerKey() throws Exception {
        return JWK.parse(Files.readString(TokenIssuer.shared().keyFile(), StandardCharsets.UTF_8)).toRSAKey();
    }

    /** The same claims signed by another key that claims the issuer's key id. */
    String forged() {
        try {
            return sign(new RSAKeyGenerator(2048).keyID(issuerKey.getKeyID()).generate(), claims, c -> { });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signed by the issuer's key, expired an hour ago. */
    String expired() {
        var now = System.currentTimeMillis();
        return sign(issuerKey, claims, c -> c.issueTime(new Date(now - 7_200_000)).notBeforeTime(null).expirationTime(new Date(now - 3_600_000)));
    }

    /** No signature at all. */
    String unsigned() {
        var none = B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return none + "." + B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** Claims changed after signing (roles raised to SUPPORT), the original signature kept. */
    String tampered(String realToken) {
        var changed = new JWTClaimsSet.Builder(claims).claim("roles", List.of("SUPPORT")).build();
        var parts = realToken.split("\\.");
        return parts[0] + "." + B64.encodeToString(changed.toString().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    /** Signed by the issuer's key, with this subject and these roles (as an identity provider could issue). */
    String withSubject(String subject, String... roles) {
        return sign(issuerKey, claims, c -> c.subject(subject).claim("roles", List.of(roles)));
    }

    /** {@code claims} changed by {@code change}, signed RS256 by {@code key} under its key id. */
    static String sign(RSAKey key, JWTClaimsSet claims, Consumer<JWTClaimsSet.Builder> change) {
        var builder = new JWTClaimsSet.Builder(claims);
        change.accept(builder);
        var jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), builder.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
