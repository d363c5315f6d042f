package market.resale.support.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Case ids carry their order id, so that any instance can route a request about a case to the
 * instance that owns the order's partition without an index: {@code <orderId>:<TYPE><n>}, for
 * example {@code order-1:DI2} (the order's second case, a dispute). An order id too long for that
 * (ids are at most 64 characters) is replaced by a hash and the type code is written in lower
 * case ({@code h3f…:di2}); such a case is found through the case summaries, which name the order.
 */
public final class CaseIds {

    public static final int MAX_LENGTH = 64;
    private static final Pattern SUFFIX = Pattern.compile(":(CR|NR|DI|CO|cr|nr|di|co)[0-9]{1,9}$");

    private CaseIds() {
    }

    public static String of(String orderId, CaseType type, int sequence) {
        var suffix = ":" + code(type) + sequence;
        if (orderId.length() + suffix.length() <= MAX_LENGTH) {
            return orderId + suffix;
        }
        return "h" + sha256(orderId).substring(0, 40) + suffix.toLowerCase();
    }

    /** The order of a case id that carries it; empty for a hashed one (or anything that is no case id). */
    public static Optional<String> orderIdOf(String caseId) {
        var matcher = SUFFIX.matcher(caseId);
        if (!matcher.find() || matcher.start() == 0 || Character.isLowerCase(matcher.group(1).charAt(0))) {
            return Optional.empty();
        }
        return Optional.of(caseId.substring(0, matcher.start()));
    }

    /** Whether this id was made by {@link #of} (possibly hashed). */
    public static boolean wellFormed(String caseId) {
        var matcher = SUFFIX.matcher(caseId);
        return caseId.length() <= MAX_LENGTH && matcher.find() && matcher.start() > 0;
    }

    private static String code(CaseType type) {
        return switch (type) {
            case CANCELLATION_REQUEST -> "CR";
            case NON_RESPONSIVE_SELLER -> "NR";
            case DISPUTE -> "DI";
            case COMPLAINT -> "CO";
        };
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
