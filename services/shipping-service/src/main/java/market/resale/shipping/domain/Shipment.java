package market.resale.shipping.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * One order's shipment as shipping-service knows it. Immutable; {@link ShipmentPolicy} makes every change.
 *
 * @param buyerId       the order's buyer, once seen (from the placement or the cancellation); null until then
 * @param sellerId      the order's seller, likewise
 * @param trackingNumber the label's tracking number, from the latest scan; null before any scan
 * @param shippedBy     the scan that shipped the order (the first moving scan before any cancellation); null if none
 * @param cancellation  the order's cancellation, once orders-service announced it
 * @param labelVoided   whether the label was voided (at most once per order)
 * @param conflicts     how many scan conflicts were announced
 * @param scans         the latest scans in arrival order (bounded)
 * @param seenScanIds   ids of the latest scans seen, to recognise a redelivery (bounded, larger than {@code scans})
 */
public record Shipment(String orderId, String buyerId, String sellerId, String trackingNumber, String carrier,
                       ShipmentStatus status, Scan shippedBy, Cancellation cancellation, boolean labelVoided,
                       int conflicts, List<Scan> scans, List<String> seenScanIds) {

    public Shipment {
        scans = scans == null ? List.of() : List.copyOf(scans);
        seenScanIds = seenScanIds == null ? List.of() : List.copyOf(seenScanIds);
        status = status == null ? ShipmentStatus.AWAITING_LABEL : status;
    }

    public static Shipment start(String orderId) {
        return new Shipment(orderId, null, null, null, null, ShipmentStatus.AWAITING_LABEL, null, null, false, 0,
                List.of(), List.of());
    }

    public boolean isParty(String userId) {
        return userId != null && (userId.equals(buyerId) || userId.equals(sellerId));
    }

    Shipment withParties(String buyer, String seller) {
        return new Shipment(orderId, buyerId == null ? buyer : buyerId, sellerId == null ? seller : sellerId,
                trackingNumber, carrier, status, shippedBy, cancellation, labelVoided, conflicts, scans, seenScanIds);
    }

    Shipment withScan(Scan scan, int scansKept, int scanIdsRemembered) {
        return new Shipment(orderId, buyerId, sellerId, scan.trackingNumber(), scan.carrier(),
                status.furthest(ShipmentStatus.after(scan.type())), shippedBy, cancellation, labelVoided, conflicts,
                bounded(scans, scan, scansKept), bounded(seenScanIds, scan.scanId(), scanIdsRemembered));
    }

    Shipment shippedBy(Scan scan) {
        return new Shipment(orderId, buyerId, sellerId, trackingNumber, carrier, status, scan, cancellation, labelVoided,
                conflicts, scans, seenScanIds);
    }

    Shipment cancelled(Cancellation by) {
        return new Shipment(orderId, buyerId, sellerId, trackingNumber, carrier, status, shippedBy, by, labelVoided,
                conflicts, scans, seenScanIds);
    }

    Shipment voided() {
        return new Shipment(orderId, buyerId, sellerId, trackingNumber, carrier, status, shippedBy, cancellation, true,
                conflicts, scans, seenScanIds);
    }

    Shipment conflicted() {
        return new Shipment(orderId, buyerId, sellerId, trackingNumber, carrier, status, shippedBy, cancellation,
                labelVoided, conflicts + 1, scans, seenScanIds);
    }

    private static <T> List<T> bounded(List<T> list, T added, int max) {
        var copy = new ArrayList<>(list);
        copy.add(added);
        return copy.size() > max ? copy.subList(copy.size() - max, copy.size()) : copy;
    }
}
