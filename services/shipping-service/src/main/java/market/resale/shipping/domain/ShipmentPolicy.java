package market.resale.shipping.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * The shipping rules, as pure functions of a shipment, one input and the time now.
 *
 * <ul>
 *   <li>The first scan of type {@code ACCEPTED} or later ships the order, once (rule 2);
 *       {@code LABEL_CREATED} only records the label.</li>
 *   <li>The first moving scan for a cancelled order is a conflict, whichever of the two shipping saw
 *       first (orders-service decided the race; shipping only reports the parcel that moves anyway,
 *       rule 8); later scans of the same parcel and its return to the sender are recorded, not reported
 *       again. No conflict when support cancelled a parcel already on its way: its case arranges the return.</li>
 *   <li>A cancelled order's label is voided exactly once, as soon as both the cancellation and a
 *       tracking number are known.</li>
 *   <li>A redelivered input (same scan id, same cancellation) changes nothing.</li>
 * </ul>
 *
 * @param scansKept         scans kept per shipment
 * @param scanIdsRemembered scan ids remembered per shipment for redelivery detection
 */
public record ShipmentPolicy(int scansKept, int scanIdsRemembered) {

    public ShipmentPolicy {
        if (scansKept < 1 || scanIdsRemembered < scansKept) {
            throw new IllegalArgumentException("Keep at least one scan, and remember at least as many scan ids as scans kept");
        }
    }

    public Change placed(Shipment shipment, String buyerId, String sellerId) {
        if (shipment.buyerId() != null) {
            return Change.none(shipment);
        }
        return new Change(shipment.withParties(buyerId, sellerId), List.of(), Change.Outcome.RECORDED);
    }

    public Change scanned(Shipment shipment, Scan scan, long now) {
        if (shipment.seenScanIds().contains(scan.scanId())) {
            return Change.none(shipment);
        }
        var next = shipment.withScan(scan, scansKept, scanIdsRemembered);
        var events = new ArrayList<ShippingEvent>();
        var outcome = Change.Outcome.RECORDED;
        if (next.cancellation() != null) {
            // Support cancelling a parcel already on its way arranges its return in that case; any other
            // moving scan after a cancellation is a conflict. One conflict per parcel is reported (the
            // case it opens is where the parcel's story continues); later scans are counted and recorded.
            var expected = next.cancellation().bySupport() && next.shippedBy() != null;
            if (scan.type().moving() && scan.type() != ScanType.RETURNED_TO_SENDER && !expected) {
                if (next.conflicts() == 0) {
                    events.add(new ShippingEvent.Conflict(scan, next.cancellation().cancelledAt(), now));
                    outcome = Change.Outcome.CONFLICT;
                }
                next = next.conflicted();
            }
            var voided = voidIfDue(next, now);
            if (voided != null) {
                events.add(voided);
                next = next.voided();
                outcome = outcome == Change.Outcome.CONFLICT ? outcome : Change.Outcome.LABEL_VOIDED;
            }
        } else if (scan.type().moving() && next.shippedBy() == null) {
            next = next.shippedBy(scan);
            events.add(new ShippingEvent.Shipped(scan));
            outcome = Change.Outcome.SHIPPED;
        }
        return new Change(next, events, outcome);
    }

    /**
     * Records the order's cancellation. orders-service cancels an order at most once, so any later
     * cancellation (a redelivery or not) changes nothing.
     */
    public Change cancelled(Shipment shipment, Cancellation cancellation, String buyerId, String sellerId, long now) {
        if (shipment.cancellation() != null) {
            return Change.none(shipment);
        }
        var next = shipment.withParties(buyerId, sellerId).cancelled(cancellation);
        var events = new ArrayList<ShippingEvent>();
        var outcome = Change.Outcome.RECORDED;
        if (next.shippedBy() != null && !cancellation.bySupport()) {
            // Shipping saw the parcel move first, but orders-service decided the cancellation first:
            // the parcel must come back.
            events.add(new ShippingEvent.Conflict(next.shippedBy(), cancellation.cancelledAt(), now));
            next = next.conflicted();
            outcome = Change.Outcome.CONFLICT;
        }
        var voided = voidIfDue(next, now);
        if (voided != null) {
            events.add(voided);
            next = next.voided();
            outcome = outcome == Change.Outcome.CONFLICT ? outcome : Change.Outcome.LABEL_VOIDED;
        }
        return new Change(next, events, outcome);
    }

    private static ShippingEvent.LabelVoided voidIfDue(Shipment shipment, long now) {
        if (shipment.cancellation() == null || shipment.trackingNumber() == null || shipment.labelVoided()
                || (shipment.cancellation().bySupport() && shipment.shippedBy() != null)) {
            // A label that already carries a moving parcel is not voided: support arranges its return.
            return null;
        }
        return new ShippingEvent.LabelVoided(shipment.trackingNumber(), shipment.carrier(),
                shipment.cancellation().commandId(), now);
    }
}
