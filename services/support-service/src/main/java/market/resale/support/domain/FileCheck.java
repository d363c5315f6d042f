package market.resale.support.domain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether an uploaded file may become evidence: not empty, not over the size limit, of an allowed
 * type, and its first bytes agree with the type it declares (a script renamed {@code .png} is not
 * a screenshot). Accepted files get their SHA-256, which is how a download proves it is the same file.
 */
public final class FileCheck {

    public sealed interface Result {
    }

    public record Accepted(String contentType, long size, String sha256) implements Result {
    }

    public record Refused(Refusal refusal, String detail) implements Result {
    }

    /** The types whose content can be checked; an allow-list may only name these. */
    public static final Map<String, Predicate<byte[]>> SIGNATURES = Map.of(
            "image/png", b -> startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A),
            "image/jpeg", b -> startsWith(b, 0xFF, 0xD8, 0xFF),
            "image/gif", b -> startsWith(b, 'G', 'I', 'F', '8', '7', 'a') || startsWith(b, 'G', 'I', 'F', '8', '9', 'a'),
            "image/webp", b -> startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12
                    && Arrays.equals(Arrays.copyOfRange(b, 8, 12), "WEBP".getBytes(StandardCharsets.US_ASCII)),
            "application/pdf", b -> startsWith(b, '%', 'P', 'D', 'F', '-'),
            "text/plain", FileCheck::plainUtf8Text);

    private final long maxBytes;
    private final Set<String> allowed;

    public FileCheck(long maxBytes, List<String> allowedTypes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("The file size limit must be positive");
        }
        var unknown = allowedTypes.stream().map(FileCheck::baseType).filter(t -> !SIGNATURES.containsKey(t)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("No content check for " + unknown + "; allowed types are among "
                    + SIGNATURES.keySet());
        }
        this.maxBytes = maxBytes;
        this.allowed = Set.copyOf(allowedTypes.stream().map(FileCheck::baseType).toList());
    }

    public long maxBytes() {
        return maxBytes;
    }

    public Set<String> allowedTypes() {
        return allowed;
    }

    /** The size alone, before the body is read: a declared length over the limit is refused at once. */
    public Refused tooLarge(long size) {
        return size > maxBytes ? new Refused(Refusal.FILE_TOO_LARGE, "The file has " + size + " bytes; at most "
                + maxBytes + " bytes are accepted") : null;
    }

    public Result check(String declaredType, byte[] content) {
        var tooLarge = tooLarge(content.length);
        if (tooLarge != null) {
            return tooLarge;
        }
        if (content.length == 0) {
            return new Refused(Refusal.FILE_EMPTY, "The file is empty");
        }
        var type = declaredType == null ? "" : baseType(declaredType);
        if (!allowed.contains(type)) {
            return new Refused(Refusal.FILE_TYPE_NOT_ALLOWED, "Files of type '" + type + "' are not accepted; allowed: "
                    + String.join(", ", allowed.stream().sorted().toList()));
        }
        if (!SIGNATURES.get(type).test(content)) {
            return new Refused(Refusal.FILE_TYPE_NOT_ALLOWED, "The content is not " + type + " as declared");
        }
        return new Accepted(type, content.length, sha256(content));
    }

    public static String baseType(String contentType) {
        var semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Names safe to echo in a Content-Disposition header. */
    public static boolean validName(String name) {
        return name != null && name.matches("[A-Za-z0-9][A-Za-z0-9._ -]{0,99}");
    }

    /** The requested name if it is safe, otherwise one made of the evidence id and the type. */
    public static String safeName(String requested, String evidenceId, String contentType) {
        if (validName(requested)) {
            return requested;
        }
        var extension = switch (contentType) {
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "image/webp" -> ".webp";
            case "application/pdf" -> ".pdf";
            case "text/plain" -> ".txt";
            default -> "";
        };
        return evidenceId + extension;
    }

    private static boolean startsWith(byte[] content, int... signature) {
        if (content.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((content[i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean plainUtf8Text(byte[] content) {
        for (byte b : content) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
