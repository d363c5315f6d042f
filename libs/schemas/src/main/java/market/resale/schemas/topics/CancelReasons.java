package market.resale.schemas.topics;

import java.util.List;
import java.util.Set;
import market.resale.schemas.orders.CancelReason;

/**
 * Which cancellation reasons each actor may give (rules 3, 4, 5, 13). The names are {@link CancelReason}'s; orders-service
 * enforces the lists on every command and serves them ({@code GET /cancellation-reasons}, and the caller's own list
 * in the eligibility answer); messaging-service checks a buyer's request against the buyer's list.
 *
 * <ul>
 *   <li>A buyer gives their own reasons; {@link #SELLER_DID_NOT_SHIP} only once the seller missed the ship-by deadline.</li>
 *   <li>A seller gives the seller's reasons; {@code BUYER_ASKED} says the buyer asked for it (it then counts on the
 *       buyer's record, not against the seller).</li>
 *   <li>Support gives any reason, the system's own ({@code SELLER_NON_RESPONSIVE}, {@code DISPUTE_RESOLUTION}) included.</li>
 * </ul>
 */
public final class CancelReasons {

    public static final List<String> BUYER = names(CancelReason.CHANGED_MIND, CancelReason.FOUND_BETTER_PRICE,
            CancelReason.ORDERED_BY_MISTAKE, CancelReason.SHIPPING_TOO_SLOW, CancelReason.OTHER);

    /** A buyer's reason once the ship-by deadline has passed unshipped (rule 13). */
    public static final String SELLER_DID_NOT_SHIP = CancelReason.SELLER_DID_NOT_SHIP.name();

    public static final List<String> SELLER = names(CancelReason.ITEM_UNAVAILABLE, CancelReason.ITEM_DAMAGED,
            CancelReason.PRICING_ERROR, CancelReason.BUYER_ASKED, CancelReason.OTHER);

    public static final List<String> SUPPORT = names(CancelReason.values());

    /** A seller's reason that says the buyer asked: the cancellation is the buyer's, not the seller's doing. */
    public static final String BUYER_ASKED = CancelReason.BUYER_ASKED.name();

    /** Reasons support gives when a case is decided against the seller. */
    public static final Set<String> DECIDED_AGAINST_SELLER = Set.of(CancelReason.SELLER_NON_RESPONSIVE.name(),
            CancelReason.DISPUTE_RESOLUTION.name());

    private CancelReasons() {
    }

    private static List<String> names(CancelReason... reasons) {
        return java.util.Arrays.stream(reasons).map(Enum::name).toList();
    }
}
