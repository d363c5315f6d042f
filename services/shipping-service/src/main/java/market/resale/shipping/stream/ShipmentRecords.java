package market.resale.shipping.stream;

import market.resale.schemas.carrier.CarrierScan;
import market.resale.shipping.domain.Scan;
import market.resale.shipping.domain.ScanType;

/** The one mapping between shipping-service's Avro records and its domain values, both ways. */
final class ShipmentRecords {

    private ShipmentRecords() {
    }

    static Scan scan(CarrierScan s) {
        return new Scan(s.getScanId(), ScanType.valueOf(s.getScanType().name()), s.getTrackingNumber(), s.getCarrier(),
                s.getScannedAt().toEpochMilli());
    }

    static market.resale.schemas.carrier.ScanType scanType(ScanType type) {
        return market.resale.schemas.carrier.ScanType.valueOf(type.name());
    }
}
