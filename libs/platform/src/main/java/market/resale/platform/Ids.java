package market.resale.platform;

import java.util.regex.Pattern;

/**
 * The ids this system can represent: orders, users (token subjects), cases, commands. 1-64 letters, digits, '.', '_',
 * ':' or '-'. State-store keys are built from ids joined by '|' ({@code <userId>|<seq>}, {@code <orderId>|<commandId>}),
 * and a prefix scan reads one id's entries ({@code <userId>|}): since no id holds a '|', no id's prefix matches another
 * id's entries. So an id is checked wherever one enters: a token's subject (JwtPolicy), a path (OwnerRouting.checkId),
 * an upstream record (the services' validation, dead-lettered as invalid otherwise).
 */
public final class Ids {

    public static final String PATTERN = "[A-Za-z0-9._:-]{1,64}";
    private static final Pattern ID = Pattern.compile(PATTERN);
    public static final String DESCRIPTION = "1-64 letters, digits, '.', '_', ':' or '-'";

    private Ids() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Why {@code value} is not an id ({@code name} names the field), or null when it is one. */
    public static String problem(String name, String value) {
        return valid(value) ? null : name + " is not " + DESCRIPTION + ": " + value;
    }

    /** Why an order's ids are not an order's: each an id, buyer and seller two users; null when they are. */
    public static String orderProblem(String orderId, String buyerId, String sellerId) {
        var problem = problem("orderId", orderId);
        problem = problem != null ? problem : problem("buyerId", buyerId);
        problem = problem != null ? problem : problem("sellerId", sellerId);
        if (problem == null && buyerId.equals(sellerId)) {
            problem = "buyer and seller must be two different users";
        }
        return problem;
    }
}
