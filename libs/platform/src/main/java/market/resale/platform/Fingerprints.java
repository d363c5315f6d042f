package market.resale.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The fingerprint of what a command asked: SHA-256 over its parts, each length-prefixed and null told
 * apart from empty, so that no two different requests share one. A retry of the same request has the
 * same fingerprint; the same Idempotency-Key with another request does not, and is refused. The HTTP
 * layer and the processor compute it from the same command.
 */
public final class Fingerprints {

    private Fingerprints() {
    }

    /** Over {@code parts} (by their {@code toString}) and then, if not null, the bytes of {@code content}. */
    public static String of(ByteBuffer content, Object... parts) {
        var digest = sha256();
        for (var part : parts) {
            var text = part == null ? null : part.toString();
            digest.update(text == null ? new byte[] {0} : ("\u0001" + text.length() + ":" + text).getBytes(StandardCharsets.UTF_8));
        }
        if (content != null) {
            digest.update(content.duplicate());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String of(Object... parts) {
        return of(null, parts);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
