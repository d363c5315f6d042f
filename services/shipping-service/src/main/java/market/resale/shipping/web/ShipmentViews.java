package market.resale.shipping.web;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import market.resale.shipping.domain.Scan;
import market.resale.shipping.domain.Shipment;

/** The JSON shapes of the shipping API. Times are ISO-8601 instants. */
final class ShipmentViews {

    private ShipmentViews() {
    }

    record ScanView(String scanId, String scanType, String trackingNumber, String carrier, Instant scannedAt) {
    }

    record ShipmentView(String orderId, String status, String trackingNumber, String carrier, Instant shippedAt,
                        String shippedByScanId, Instant cancelledAt, boolean labelVoided, int scanConflicts,
                        List<ScanView> scans) {
    }

    /** Scans in the order they happened (the carrier may deliver them out of order). */
    static ShipmentView of(Shipment s) {
        var shipped = s.shippedBy();
        return new ShipmentView(s.orderId(), s.status().name(), s.trackingNumber(), s.carrier(),
                shipped == null ? null : Instant.ofEpochMilli(shipped.scannedAt()),
                shipped == null ? null : shipped.scanId(),
                s.cancellation() == null ? null : Instant.ofEpochMilli(s.cancellation().cancelledAt()),
                s.labelVoided(), s.conflicts(),
                s.scans().stream().sorted(Comparator.comparingLong(Scan::scannedAt)).map(ShipmentViews::of).toList());
    }

    static ScanView of(Scan s) {
        return new ScanView(s.scanId(), s.type().name(), s.trackingNumber(), s.carrier(), Instant.ofEpochMilli(s.scannedAt()));
    }
}
