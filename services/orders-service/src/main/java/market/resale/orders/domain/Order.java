package market.resale.orders.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * One order as orders-service knows it. Immutable: every change returns a new order with a higher
 * {@code version} when what a caller was shown has changed (shipped, cancelled).
 *
 * @param windowClosesAt when the buyer's own cancellation window ends (placedAt + window)
 * @param windowOpen     false once the window closed, by expiry, shipping or cancellation
 * @param sellerComment  the seller's comment on the buyer's profile about this cancelled order (rule 9: at most one)
 * @param shipBy         when the seller must have shipped (placedAt + ship-by, rule 13); null for an order stored before
 *                       the rule, which then follows today's setting
 * @param rating         the buyer's rating of the seller for this order (rule 15); null until rated
 */
public record Order(String orderId, String buyerId, String sellerId, Item item, Amounts amounts, long placedAt,
                    OrderStatus status, long version, long windowClosesAt, boolean windowOpen, Shipment shipment,
                    Cancellation cancellation, List<TimelineEntry> timeline, SellerComment sellerComment, Long shipBy,
                    Rating rating) {

    /** Refused attempts shown on the timeline; later ones are still answered and published. */
    static final int MAX_REFUSALS_SHOWN = 10;

    public Order {
        timeline = List.copyOf(timeline);
    }

    public static Order placed(String orderId, String buyerId, String sellerId, Item item, Amounts amounts, long placedAt,
                               long windowClosesAt) {
        return placed(orderId, buyerId, sellerId, item, amounts, placedAt, windowClosesAt, null);
    }

    public static Order placed(String orderId, String buyerId, String sellerId, Item item, Amounts amounts, long placedAt,
                               long windowClosesAt, Long shipBy) {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, OrderStatus.PLACED, 1, windowClosesAt, true,
                null, null, List.of(new TimelineEntry(TimelineEntry.PLACED, placedAt, null)), null, shipBy, null);
    }

    public boolean isParty(String userId) {
        return buyerId.equals(userId) || sellerId.equals(userId);
    }

    public Order shipped(Shipment shipment) {
        return withStatus(OrderStatus.SHIPPED).withWindowClosed().withShipment(shipment)
                .withStep(new TimelineEntry(TimelineEntry.SHIPPED, shipment.shippedAt(), shipment.carrier() + " " + shipment.trackingNumber()));
    }

    /** The seller missed the ship-by deadline (rule 13): on the timeline; the buyer may now cancel without asking. */
    public Order shipByMissed(long at) {
        return withStep(new TimelineEntry(TimelineEntry.SHIP_BY_MISSED, at, null));
    }

    public Order windowExpired(long at) {
        return withWindowClosed().withStep(new TimelineEntry(TimelineEntry.WINDOW_CLOSED, at, "EXPIRED"));
    }

    public Order scanAfterCancellation(Shipment scan) {
        return withStep(new TimelineEntry(TimelineEntry.SCAN_AFTER_CANCELLATION, scan.shippedAt(),
                scan.carrier() + " " + scan.trackingNumber()));
    }

    /**
     * Applies a decided cancellation: the order is cancelled, or the refusal is recorded. Refusals stop
     * adding timeline steps past {@link #MAX_REFUSALS_SHOWN} of them, so a caller who keeps trying
     * cannot grow the order (its state and changelog record) without bound. The attempt itself, the answer its
     * caller gets, is kept apart ({@link Attempt}).
     */
    public Order decided(CancelRequest request, Decision decision, long decidedAt) {
        var entries = new ArrayList<>(timeline);
        var refusalsShown = timeline.stream().filter(t -> t.event().equals(TimelineEntry.CANCEL_REFUSED)).count();
        if (decision.allowed() || refusalsShown < MAX_REFUSALS_SHOWN) {
            entries.add(new TimelineEntry(TimelineEntry.CANCEL_REQUESTED, request.requestedAt(),
                    request.actor() + " " + request.reason() + (request.note() == null || request.note().isBlank() ? ""
                            : ": \"" + request.note().strip() + "\"")));
        }
        return switch (decision) {
            case Decision.Allowed allowed -> {
                entries.add(new TimelineEntry(TimelineEntry.CANCELLED, decidedAt,
                        "refund " + allowed.refundCents() + " " + allowed.currency() + " as store credit"));
                yield withStatus(OrderStatus.CANCELLED).withWindowClosed().withTimeline(entries)
                        .withCancellation(new Cancellation(request.commandId(), request.actor(), request.actorId(),
                                request.reason(), decidedAt, allowed.refundCents(), request.reference(), request.note()));
            }
            case Decision.Refused refused -> {
                if (refusalsShown < MAX_REFUSALS_SHOWN) {
                    entries.add(new TimelineEntry(TimelineEntry.CANCEL_REFUSED, decidedAt, refused.code().name()));
                }
                yield withTimeline(entries);
            }
        };
    }

    /**
     * Whether the seller may comment on the buyer's profile about this order now (rule 9): only the
     * order's seller, only once the order is cancelled, and only once per order. Null when allowed.
     */
    public CommentRefusal commentRefusal(String sellerId) {
        if (!this.sellerId.equals(sellerId)) {
            return CommentRefusal.NOT_THE_SELLER;
        }
        if (status != OrderStatus.CANCELLED) {
            return CommentRefusal.NOT_CANCELLED;
        }
        return sellerComment != null ? CommentRefusal.ALREADY_COMMENTED : null;
    }

    public Order commented(SellerComment comment) {
        return withStep(new TimelineEntry(TimelineEntry.SELLER_COMMENTED, comment.at(), null)).withSellerComment(comment);
    }

    /**
     * The buyer rated the seller (rule 15). A redelivered rating, or one older than the rating kept, changes nothing;
     * a newer one (the buyer changed their mind) replaces it.
     */
    public Order rated(Rating next) {
        if (rating != null && (rating.ratingId().equals(next.ratingId()) || rating.ratedAt() > next.ratedAt())) {
            return this;
        }
        return withRating(next).withStep(new TimelineEntry(TimelineEntry.RATED, next.ratedAt(), next.stars() + " stars"));
    }

    /** Why this order cannot take a rating from these parties, or null when it can. */
    public String ratingProblem(String buyerId, String sellerId) {
        if (!this.buyerId.equals(buyerId) || !this.sellerId.equals(sellerId)) {
            return "the buyer and seller differ from those of order " + orderId;
        }
        return status == OrderStatus.SHIPPED ? null : "order " + orderId + " is " + status + ": only a shipped order is rated";
    }

    /** A step reported by another service (credit issued, case opened …): recorded, the version stays. */
    public Order noted(TimelineEntry entry) {
        return timeline.contains(entry) ? this : withStep(entry);
    }

    // ------------------------------------------------------------------ with… (the only places an order is copied)

    /** In another status; the version moves on, since what a caller was shown has changed. */
    public Order withStatus(OrderStatus status) {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, status, version + 1, windowClosesAt, windowOpen,
                shipment, cancellation, timeline, sellerComment, shipBy, rating);
    }

    /** The buyer's own window is closed (by expiry, shipping or cancellation). */
    public Order withWindowClosed() {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, status, version, windowClosesAt, false,
                shipment, cancellation, timeline, sellerComment, shipBy, rating);
    }

    public Order withShipment(Shipment shipment) {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, status, version, windowClosesAt, windowOpen,
                shipment, cancellation, timeline, sellerComment, shipBy, rating);
    }

    public Order withCancellation(Cancellation cancellation) {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, status, version, windowClosesAt, windowOpen,
                shipment, cancellation, timeline, sellerComment, shipBy, rating);
    }

    public Order withTimeline(List<TimelineEntry> timeline) {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, status, version, windowClosesAt, windowOpen,
                shipment, cancellation, timeline, sellerComment, shipBy, rating);
    }

    public Order withSellerComment(SellerComment sellerComment) {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, status, version, windowClosesAt, windowOpen,
                shipment, cancellation, timeline, sellerComment, shipBy, rating);
    }

    public Order withRating(Rating rating) {
        return new Order(orderId, buyerId, sellerId, item, amounts, placedAt, status, version, windowClosesAt, windowOpen,
                shipment, cancellation, timeline, sellerComment, shipBy, rating);
    }

    /** One more step on the timeline. */
    public Order withStep(TimelineEntry entry) {
        var entries = new ArrayList<>(timeline);
        entries.add(entry);
        return withTimeline(entries);
    }

    public enum CommentRefusal {
        NOT_THE_SELLER, NOT_CANCELLED, ALREADY_COMMENTED
    }

}
