package market.resale.orders.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import market.resale.schemas.topics.CancelReasons;

/**
 * Buyer records and seller signals (rule 9, §1.3, §9). Both are computed over the orders placed in
 * the last {@code period} (90 days by default): an order placed exactly {@code period} ago is out.
 * Counting a cohort of orders (rather than cancellations by date) keeps the rate between 0 and 1.
 *
 * <p>A buyer's {@code rate} counts only the cancellations the buyer asked for (their own, the ones a
 * seller approved at their request or made saying the buyer asked): a seller or support cancelling is
 * not held against the buyer, nor is a buyer's cancellation of an order the seller did not ship in
 * time; the breakdown shows every cancellation by reason and actor.
 *
 * <p>A seller's {@code cancellationRate} counts only the cancellations the seller caused (rule 15, as
 * marketplaces' seller standards do): its own (unless the buyer asked), missed ship-by deadlines, and
 * support cases decided against it. The buyers' own cancellations are shown by actor, not held against it.
 * A seller's rating (rule 15) is the average of every rating buyers left, all time, as marketplaces show it.
 */
public final class Reputation {

    /** Said where a seller's rating would be when no buyer has rated the seller yet. */
    public static final String NO_RATINGS_YET = "no ratings yet";

    private final Duration period;
    private final double warnRate;
    private final int warnMinPurchases;

    public Reputation(Duration period, double warnRate, int warnMinPurchases) {
        this.period = period;
        this.warnRate = warnRate;
        this.warnMinPurchases = warnMinPurchases;
    }

    public record Comment(String orderId, String sellerId, String text, long at) {
    }

    public record BuyerRecord(String buyerId, long since, long until, int purchases, int cancellations,
                              int buyerInitiatedCancellations, double rate, Map<String, Integer> byReason,
                              Map<Actor, Integer> byActor, List<Comment> comments) {
    }

    /**
     * @param cancellations             every cancellation of a sale in the period, whoever made it
     * @param sellerCausedCancellations those the seller caused ({@link #sellerCaused})
     * @param cancellationRate          seller-caused cancellations over sales
     * @param averageRating             the mean of every rating buyers left (all time), to two decimals; null if none
     * @param ratingCount               how many ratings it is the mean of
     */
    public record SellerSignals(String sellerId, long since, long until, int sales, int cancellations,
                                int sellerCausedCancellations, double cancellationRate, Map<Actor, Integer> byActor, int shippedSales,
                                Long medianTimeToFirstScanMillis, Double averageRating, int ratingCount, String ratingNote) {
    }

    public BuyerRecord buyer(String buyerId, Iterable<OrderFact> purchases, long now) {
        var since = now - period.toMillis();
        int count = 0, cancelled = 0, buyerInitiated = 0;
        var byReason = new TreeMap<String, Integer>();
        var byActor = new TreeMap<Actor, Integer>();
        var comments = new ArrayList<Comment>();
        for (var order : purchases) {
            if (order.comment() != null) {
                var c = order.comment();
                comments.add(new Comment(order.orderId(), c.sellerId(), c.text(), c.at()));
            }
            if (!inPeriod(order, since, now)) {
                continue;
            }
            count++;
            if (order.status() == OrderStatus.CANCELLED) {
                cancelled++;
                byReason.merge(order.cancelReason(), 1, Integer::sum);
                byActor.merge(order.cancelledBy(), 1, Integer::sum);
                if (buyerInitiated(order.cancelledBy(), order.cancelReason())) {
                    buyerInitiated++;
                }
            }
        }
        comments.sort(java.util.Comparator.comparingLong(Comment::at).reversed());
        return new BuyerRecord(buyerId, since, now, count, cancelled, buyerInitiated, ratio(buyerInitiated, count),
                byReason, byActor, comments);
    }

    public SellerSignals seller(String sellerId, Iterable<OrderFact> sales, long now) {
        var since = now - period.toMillis();
        int count = 0, cancelled = 0, caused = 0, ratings = 0;
        long stars = 0;
        var byActor = new TreeMap<Actor, Integer>();
        var timesToShip = new ArrayList<Long>();
        for (var order : sales) {
            if (order.stars() != null) {
                ratings++;
                stars += order.stars();
            }
            if (!inPeriod(order, since, now)) {
                continue;
            }
            count++;
            if (order.status() == OrderStatus.CANCELLED) {
                cancelled++;
                byActor.merge(order.cancelledBy(), 1, Integer::sum);
                if (sellerCaused(order.cancelledBy(), order.cancelReason())) {
                    caused++;
                }
            }
            if (order.shippedAt() != null) {
                timesToShip.add(order.shippedAt() - order.placedAt());
            }
        }
        return new SellerSignals(sellerId, since, now, count, cancelled, caused, ratio(caused, count), byActor,
                timesToShip.size(), median(timesToShip),
                ratings == 0 ? null : Math.round(100.0 * stars / ratings) / 100.0, ratings, ratings == 0 ? NO_RATINGS_YET : null);
    }

    /** Whether the buyer asked for this cancellation: it then counts on the buyer's record. */
    public static boolean buyerInitiated(Actor by, String reason) {
        return switch (by) {
            case BUYER -> !CancelReasons.SELLER_DID_NOT_SHIP.equals(reason);
            case SELLER_APPROVED -> true;
            case SELLER -> CancelReasons.BUYER_ASKED.equals(reason);
            case SUPPORT -> false;
        };
    }

    /** Whether the seller caused this cancellation: it then counts against the seller's rate. */
    public static boolean sellerCaused(Actor by, String reason) {
        return switch (by) {
            case SELLER -> !CancelReasons.BUYER_ASKED.equals(reason);
            case BUYER -> CancelReasons.SELLER_DID_NOT_SHIP.equals(reason);
            case SUPPORT -> CancelReasons.DECIDED_AGAINST_SELLER.contains(reason) || CancelReasons.SELLER_DID_NOT_SHIP.equals(reason);
            case SELLER_APPROVED -> false;
        };
    }

    /** Whether the eligibility answer warns this buyer before they cancel: enough purchases, and a rate above the threshold. */
    public boolean warns(BuyerRecord record) {
        return warns(record.purchases(), record.rate());
    }

    public boolean warns(int purchases, double rate) {
        return purchases >= warnMinPurchases && rate > warnRate;
    }

    public double warnRate() {
        return warnRate;
    }

    public Duration period() {
        return period;
    }

    private static boolean inPeriod(OrderFact order, long since, long now) {
        return order.placedAt() > since && order.placedAt() <= now;
    }

    private static double ratio(int part, int whole) {
        return whole == 0 ? 0.0 : (double) part / whole;
    }

    /** The median; for an even count the mean of the two middle values, rounded down; null when there are none. */
    static Long median(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        var sorted = values.stream().sorted().toList();
        var mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : Math.floorDiv(sorted.get(mid - 1) + sorted.get(mid), 2);
    }
}
