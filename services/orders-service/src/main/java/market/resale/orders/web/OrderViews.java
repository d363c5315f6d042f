package market.resale.orders.web;

import java.time.Instant;
import java.util.List;
import market.resale.orders.domain.Attempt;
import market.resale.orders.domain.Decision;
import market.resale.orders.domain.Eligibility;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.TimelineEntry;
import market.resale.orders.stream.PartyOrder;

/** The JSON shapes of the orders API. Times are ISO-8601 instants; money is minor units plus currency. */
final class OrderViews {

    private OrderViews() {
    }

    record Money(long amountCents, String currency) {
    }

    record ItemView(String listingId, String title, String size, String condition) {
    }

    record AmountsView(long priceCents, long shippingCents, long taxCents, long creditsAppliedCents, long totalCents,
                       String currency) {
    }

    record ShipmentView(String trackingNumber, String carrier, Instant shippedAt) {
    }

    record RefundView(String status, long amountCents, String currency, String method) {
    }

    record TimelineView(String event, Instant at, String detail) {
    }

    /**
     * @param shipBy     until when the seller may ship (rule 13); past it, unshipped, the buyer may cancel without asking
     * @param rating     the buyer's rating of the seller for this order (rule 15); null until rated
     * @param sellerSignals the seller's signals (rating, time to ship, cancellations caused); null when not available in time
     */
    record OrderView(String orderId, String buyerId, String sellerId, ItemView item, AmountsView amounts, String status,
                     long version, Instant placedAt, Instant cancellationWindowClosesAt, Instant shipBy, ShipmentView shipment,
                     RefundView refund, List<TimelineView> timeline, RatingView rating,
                     SellerSummary sellerSignals) {
    }

    record RatingView(int stars, String comment, Instant ratedAt) {
    }

    /**
     * What a buyer checks of the seller before buying or cancelling (rules 7, 9, 15), shown with the order and its
     * eligibility: the full signals are at {@code GET /sellers/{sellerId}/signals}.
     */
    record SellerSummary(String sellerId, Double averageRating, int ratingCount, java.time.Duration medianTimeToFirstScan,
                         int sales, int sellerCausedCancellations, double cancellationRate, java.time.Duration period) {

        static SellerSummary of(ReputationController.SellerSignalsView s) {
            return s == null ? null : new SellerSummary(s.sellerId(), s.averageRating(), s.ratingCount(),
                    s.medianTimeToFirstScan(), s.sales(), s.sellerCausedCancellations(), s.cancellationRate(), s.period());
        }
    }

    record OrderLine(String orderId, String title, String size, String condition, Money total, String status,
                     Instant placedAt) {
    }

    record Page<T>(List<T> items, int page, int size, boolean hasMore) {
    }

    /** {@link Page} of {@link OrderLine}, named for the API document (a generic type has no schema of its own). */
    record OrderLinePage(List<OrderLine> items, int page, int size, boolean hasMore) {
    }

    /**
     * @param recordEffect  whether and how the cancellation counts on the buyer's record (buyers only)
     * @param recordWarning set when the buyer's cancellation rate is over the threshold (rule 9)
     * @param buyerRecord   the buyer's own figures behind the warning; null when not available in time
     */
    record Conditions(String refundMethod, Money refund, String recordEffect, String recordWarning,
                      RecordFigures buyerRecord) {
    }

    record RecordFigures(int purchases, int buyerInitiatedCancellations, double rate, String period) {
    }

    /**
     * @param version the version to quote as {@code expectedVersion} when confirming
     * @param reasons the reasons this caller may give now
     * @param shipBy  until when the seller may ship (rule 13); past it a buyer may cancel with SELLER_DID_NOT_SHIP
     * @param sellerSignals the seller's signals (rule 7: shown before confirming); null when not available in time
     */
    record EligibilityView(String orderId, long version, boolean allowed, String reasonCode, String detail,
                           String trackingNumber, Instant deadline, Conditions conditions, List<String> reasons,
                           Instant shipBy, SellerSummary sellerSignals) {
    }

    /** The reasons each actor may give for a cancellation. */
    record ReasonsView(List<String> buyer, List<String> seller, List<String> support) {
    }

    record CancellationStatus(String commandId, String orderId, String status, String reasonCode, String detail,
                              String trackingNumber, Money refund, Instant decidedAt) {
    }

    static OrderView of(Order o, ReputationController.SellerSignalsView signals) {
        var seller = SellerSummary.of(signals);
        var a = o.amounts();
        // The refund is due once cancelled, and issued once credits-service says so (its step is on the timeline);
        // an order that cost nothing has nothing to refund, and its refund completes all the same.
        var issued = o.timeline().stream().anyMatch(t -> t.event().equals(TimelineEntry.CREDIT_ISSUED));
        var refund = o.cancellation() == null ? null
                : new RefundView(!issued ? "PENDING" : o.cancellation().refundCents() == 0 ? "NOTHING_TO_REFUND"
                        : "ISSUED_AS_STORE_CREDIT", o.cancellation().refundCents(), a.currency(), "STORE_CREDIT");
        return new OrderView(o.orderId(), o.buyerId(), o.sellerId(),
                new ItemView(o.item().listingId(), o.item().title(), o.item().size(), o.item().condition()),
                new AmountsView(a.priceCents(), a.shippingCents(), a.taxCents(), a.creditsAppliedCents(), a.totalCents(),
                        a.currency()),
                o.status().name(), o.version(), Instant.ofEpochMilli(o.placedAt()),
                Instant.ofEpochMilli(o.windowClosesAt()), o.shipBy() == null ? null : Instant.ofEpochMilli(o.shipBy()),
                o.shipment() == null ? null : new ShipmentView(o.shipment().trackingNumber(), o.shipment().carrier(),
                        Instant.ofEpochMilli(o.shipment().shippedAt())),
                refund,
                o.timeline().stream().map(OrderViews::of).toList(),
                o.rating() == null ? null : new RatingView(o.rating().stars(), o.rating().comment(),
                        Instant.ofEpochMilli(o.rating().ratedAt())),
                seller);
    }

    static TimelineView of(TimelineEntry e) {
        return new TimelineView(e.event(), Instant.ofEpochMilli(e.at()), e.detail());
    }

    static OrderLine of(PartyOrder p) {
        return new OrderLine(p.orderId(), p.title(), p.size(), p.condition(), new Money(p.totalCents(), p.currency()),
                p.status().name(), Instant.ofEpochMilli(p.placedAt()));
    }

    static EligibilityView of(Eligibility e, ReputationController.SellerSignalsView seller) {
        return of(e, seller, null, false, 0, null);
    }

    /** With the buyer's own record, when the buyer is the one asking. */
    static EligibilityView of(Eligibility e, ReputationController.SellerSignalsView signals, PartyHistory.Summary record,
                              boolean warn, double warnRate, java.time.Duration period) {
        var seller = SellerSummary.of(signals);
        var figures = record == null ? null : new RecordFigures(record.purchases(), record.buyerInitiatedCancellations(),
                record.rate(), period.toString());
        var warning = !warn ? null : String.format(java.util.Locale.ROOT,
                "You cancelled %d of your %d orders in the last %d days (%.0f%%), more than %.0f%%. Sellers can see "
                        + "your cancellation record and may be less willing to sell to you.",
                record.buyerInitiatedCancellations(), record.purchases(), period.toDays(), record.rate() * 100,
                warnRate * 100);
        var conditions = new Conditions("STORE_CREDIT", new Money(e.refundCents(), e.currency()),
                e.affectsRecord()
                        ? "This cancellation will count on your buyer record, which sellers can see."
                        : e.reasons().contains("SELLER_DID_NOT_SHIP")
                        ? "The seller did not ship by the deadline: this cancellation counts against the seller, not on your record."
                        : null,
                warning, figures);
        return switch (e.decision()) {
            case Decision.Allowed allowed -> new EligibilityView(e.orderId(), e.version(), true, null, null, null,
                    e.deadline() == null ? null : Instant.ofEpochMilli(e.deadline()), conditions, e.reasons(), instant(e.shipBy()), seller);
            case Decision.Refused refused -> new EligibilityView(e.orderId(), e.version(), false, refused.code().name(),
                    refused.detail(), refused.trackingNumber(),
                    e.deadline() == null ? null : Instant.ofEpochMilli(e.deadline()), null, e.reasons(), instant(e.shipBy()), seller);
        };
    }

    static CancellationStatus of(String orderId, Attempt a, String currency) {
        return new CancellationStatus(a.commandId(), orderId, a.cancelled() ? "CANCELLED" : "REJECTED",
                a.code() == null ? null : a.code().name(), a.detail(), a.trackingNumber(),
                a.cancelled() ? new Money(a.refundCents(), currency) : null, Instant.ofEpochMilli(a.decidedAt()));
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    static CancellationStatus pending(String orderId, String commandId) {
        return new CancellationStatus(commandId, orderId, "PENDING", null, null, null, null, null);
    }
}
