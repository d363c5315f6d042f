package market.resale.orders.domain;

import java.time.Duration;
import java.util.List;
import market.resale.schemas.topics.CancelReasons;

/**
 * Who may cancel an order, and when (SPEC rules 1, 2, 3, 4, 5, 7). The only place these rules live:
 * the stream applies {@link #decide} to every confirmed cancellation, the HTTP eligibility answer
 * shows what {@link #decide} would say now.
 *
 * <ul>
 *   <li>BUYER: their own order, before it ships and within the buyer window.</li>
 *   <li>SELLER: their own sale, before it ships, at any time.</li>
 *   <li>SELLER_APPROVED: the seller approved the buyer's request (messaging); before it ships, at any
 *       time, and only with the request it answers.</li>
 *   <li>SUPPORT: the outcome of a help-center case, at any stage, shipped included (the parcel then
 *       comes back); only with the case it decides.</li>
 * </ul>
 */
public final class CancellationPolicy {

    /** Rule 13's default: a seller has 7 days from placedAt to ship. */
    public static final Duration DEFAULT_SHIP_BY = Duration.ofDays(7);

    private final Duration buyerWindow;
    private final Duration shipBy;

    public CancellationPolicy(Duration buyerWindow) {
        this(buyerWindow, DEFAULT_SHIP_BY);
    }

    public CancellationPolicy(Duration buyerWindow, Duration shipBy) {
        this.buyerWindow = buyerWindow;
        this.shipBy = shipBy;
    }

    public long windowClosesAt(long placedAt) {
        return placedAt + buyerWindow.toMillis();
    }

    /** When an order placed at {@code placedAt} must have shipped (rule 13). */
    public long shipBy(long placedAt) {
        return placedAt + shipBy.toMillis();
    }

    /** The order's ship-by deadline: its own, or today's setting for an order stored before it had one. */
    public long shipBy(Order order) {
        return order.shipBy() != null ? order.shipBy() : shipBy(order.placedAt());
    }

    public Decision decide(Order order, CancelRequest request) {
        var actorIsParty = switch (request.actor()) {
            case BUYER -> order.buyerId().equals(request.actorId());
            case SELLER, SELLER_APPROVED -> order.sellerId().equals(request.actorId());
            case SUPPORT -> true;
        };
        if (!actorIsParty) {
            return new Decision.Refused(RejectionCode.NOT_A_PARTY, "Only the order's buyer or seller can cancel it", null);
        }
        if (request.actor() == Actor.SUPPORT && blank(request.reference())) {
            return new Decision.Refused(RejectionCode.CASE_REQUIRED,
                    "Support cancellations are ordered as the outcome of a help-center case", null);
        }
        if (request.actor() == Actor.SELLER_APPROVED && blank(request.reference())) {
            return new Decision.Refused(RejectionCode.REQUEST_REQUIRED,
                    "A seller-approved cancellation answers a buyer's cancellation request", null);
        }
        if (request.expectedVersion() == null && (request.actor() == Actor.BUYER || request.actor() == Actor.SELLER)) {
            return new Decision.Refused(RejectionCode.CONFIRMATION_REQUIRED, CONFIRMATION_REQUIRED, null);
        }
        var allowedReasons = reasons(request.actor());
        if (!allowedReasons.contains(request.reason())) {
            return new Decision.Refused(RejectionCode.REASON_NOT_ALLOWED, reasonNotAllowed(request.actor(), request.reason()), null);
        }
        if (order.status() == OrderStatus.CANCELLED) {
            return new Decision.Refused(RejectionCode.ALREADY_CANCELLED, "The order is already cancelled", null);
        }
        // Shipping is the change a buyer or seller most needs to hear of: it names the parcel and the way on (a return).
        if (order.status() == OrderStatus.SHIPPED && request.actor() != Actor.SUPPORT) {
            var tracking = order.shipment().trackingNumber();
            return new Decision.Refused(RejectionCode.ALREADY_SHIPPED,
                    "The order has shipped (" + order.shipment().carrier() + " tracking " + tracking
                            + "); it can no longer be cancelled. Start a return once it is delivered.", tracking);
        }
        if (request.expectedVersion() != null && request.expectedVersion() != order.version()) {
            var tracking = order.shipment() == null ? null : order.shipment().trackingNumber();
            var what = order.status() == OrderStatus.SHIPPED
                    ? "it shipped (tracking " + tracking + ")"
                    : "it changed";
            return new Decision.Refused(RejectionCode.STALE_CONFIRMATION,
                    "The order is not as it was shown: " + what + ". Look at it again before cancelling.", tracking);
        }
        if (request.actor() == Actor.BUYER && CancelReasons.SELLER_DID_NOT_SHIP.equals(request.reason())) {
            // Rule 13: past the ship-by deadline the buyer cancels without the seller, whatever their own window says.
            var deadline = shipBy(order);
            if (request.requestedAt() < deadline) {
                return new Decision.Refused(RejectionCode.SHIP_BY_NOT_PASSED, "The seller has until "
                        + java.time.Instant.ofEpochMilli(deadline) + " to ship; if the order has not shipped by then, you can "
                        + "cancel it with SELLER_DID_NOT_SHIP.", null);
            }
            return new Decision.Allowed(order.amounts().totalCents(), order.amounts().currency());
        }
        if (request.actor() == Actor.BUYER && request.requestedAt() >= order.windowClosesAt()) {
            return new Decision.Refused(RejectionCode.WINDOW_EXPIRED,
                    "The " + buyerWindow.toHours() + "-hour cancellation window closed; you can ask the seller to cancel.",
                    null);
        }
        return new Decision.Allowed(order.amounts().totalCents(), order.amounts().currency());
    }

    /**
     * What the caller would be told if they confirmed now, with the conditions attached. An agent is
     * shown the answer a case outcome would get (support cancels only through a case).
     */
    public Eligibility eligibility(Order order, Actor actor, String actorId, long now) {
        var reference = actor == Actor.SUPPORT ? "case" : null;
        var unshipped = order.status() == OrderStatus.PLACED;
        // Past the ship-by deadline a buyer is shown the cancellation rule 13 allows, which does not count on their record.
        var sellerLate = actor == Actor.BUYER && unshipped && now >= shipBy(order);
        var probe = new CancelRequest("eligibility", actor, actorId, sellerLate ? CancelReasons.SELLER_DID_NOT_SHIP : "OTHER",
                order.version(), now, reference);
        var decision = decide(order, probe);
        Long deadline = switch (actor) {
            case BUYER -> unshipped ? order.windowClosesAt() : null;
            case SELLER, SUPPORT, SELLER_APPROVED -> null;
        };
        var reasons = actor != Actor.BUYER ? reasons(actor) : sellerLate ? List.of(CancelReasons.SELLER_DID_NOT_SHIP)
                : CancelReasons.BUYER;
        return new Eligibility(order.orderId(), order.version(), decision, deadline, order.amounts().totalCents(),
                order.amounts().currency(), actor == Actor.BUYER && !sellerLate, reasons, unshipped ? shipBy(order) : null);
    }

    /**
     * The reasons this actor may give (rules 3, 4, 5): a seller-approved cancellation carries the buyer's own reason,
     * from the request the seller approved.
     */
    public static List<String> reasons(Actor actor) {
        return switch (actor) {
            case BUYER -> BUYER_REASONS;
            case SELLER_APPROVED -> CancelReasons.BUYER;
            case SELLER -> CancelReasons.SELLER;
            case SUPPORT -> CancelReasons.SUPPORT;
        };
    }

    /** A buyer's own reasons, and the one rule 13 gives once the ship-by deadline has passed. */
    private static final List<String> BUYER_REASONS = java.util.stream.Stream.concat(CancelReasons.BUYER.stream(),
            java.util.stream.Stream.of(CancelReasons.SELLER_DID_NOT_SHIP)).toList();

    /** The refusal of a reason this actor may not give, naming the ones it may. */
    public static String reasonNotAllowed(Actor actor, String reason) {
        return (actor == Actor.SELLER ? "A seller" : actor == Actor.SUPPORT ? "Support" : "A buyer") + " cannot cancel for "
                + reason + "; the reasons allowed are " + String.join(", ", reasons(actor)) + ".";
    }

    /** What a buyer or seller is told who confirms without quoting the version they were shown (rule 7). */
    public static final String CONFIRMATION_REQUIRED = "Look at the order's cancellation eligibility first and confirm with "
            + "the version it shows (expectedVersion): a cancellation refers to what was shown.";

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
