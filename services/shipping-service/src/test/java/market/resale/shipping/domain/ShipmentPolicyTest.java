package market.resale.shipping.domain;

import static market.resale.shipping.ShipmentMother.BUYER;
import static market.resale.shipping.ShipmentMother.CARRIER;
import static market.resale.shipping.ShipmentMother.PLACED_AT;
import static market.resale.shipping.ShipmentMother.SELLER;
import static market.resale.shipping.ShipmentMother.TRACKING;
import static market.resale.shipping.ShipmentMother.cancellation;
import static market.resale.shipping.ShipmentMother.domainScan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipping rules as pure functions: no Kafka, time passed in. */
class ShipmentPolicyTest {

    private static final ShipmentPolicy POLICY = new ShipmentPolicy(3, 5);
    private static final String ORDER = "o-1";
    private static final long NOW = Instant.parse("2026-11-21T09:00:00Z").toEpochMilli();

    private static Instant minutes(int m) {
        return PLACED_AT.plusSeconds(60L * m);
    }

    private static Shipment apply(Shipment s, Scan... scans) {
        for (var scan : scans) {
            s = POLICY.scanned(s, scan, NOW).shipment();
        }
        return s;
    }

    @Test
    void aLabelCreatedScanRecordsTheLabelButDoesNotShip() {
        var change = POLICY.scanned(Shipment.start(ORDER), domainScan(ORDER, ScanType.LABEL_CREATED, minutes(1)), NOW);

        assertThat(change.events()).isEmpty();
        assertThat(change.outcome()).isEqualTo(Change.Outcome.RECORDED);
        assertThat(change.shipment().status()).isEqualTo(ShipmentStatus.LABEL_CREATED);
        assertThat(change.shipment().trackingNumber()).isEqualTo(TRACKING);
        assertThat(change.shipment().shippedBy()).isNull();
    }

    @Test
    void everyScanTypeFromAcceptedOnShipsTheOrder() {
        for (var type : List.of(ScanType.ACCEPTED, ScanType.IN_TRANSIT, ScanType.OUT_FOR_DELIVERY, ScanType.DELIVERED,
                ScanType.RETURNED_TO_SENDER)) {
            var scan = domainScan(ORDER, type, minutes(5));

            var change = POLICY.scanned(Shipment.start(ORDER), scan, NOW);

            assertThat(change.events()).as(type.name()).containsExactly(new ShippingEvent.Shipped(scan));
            assertThat(change.shipment().shippedBy()).isEqualTo(scan);
        }
    }

    @Test
    void onlyTheFirstMovingScanShipsAndTheStatusNeverGoesBack() {
        var accepted = domainScan(ORDER, ScanType.ACCEPTED, minutes(5));
        var shipped = apply(Shipment.start(ORDER), accepted, domainScan(ORDER, ScanType.DELIVERED, minutes(60)));

        var late = POLICY.scanned(shipped, domainScan(ORDER, ScanType.IN_TRANSIT, minutes(30)), NOW);

        assertThat(late.events()).isEmpty();
        assertThat(late.shipment().shippedBy()).isEqualTo(accepted);
        assertThat(late.shipment().status()).isEqualTo(ShipmentStatus.DELIVERED);
        assertThat(late.shipment().scans()).hasSize(3);
    }

    @Test
    void aRedeliveredScanChangesNothing() {
        var accepted = domainScan(ORDER, ScanType.ACCEPTED, minutes(5));
        var shipped = apply(Shipment.start(ORDER), accepted);

        var again = POLICY.scanned(shipped, accepted, NOW);

        assertThat(again.changed()).isFalse();
        assertThat(again.outcome()).isEqualTo(Change.Outcome.DUPLICATE);
        assertThat(again.shipment()).isSameAs(shipped);
        assertThat(again.events()).isEmpty();
    }

    @Test
    void scansAndRememberedIdsAreBoundedOldestFirst() {
        var s = Shipment.start(ORDER);
        for (int i = 0; i < 6; i++) {
            s = apply(s, new Scan("scan-" + i, ScanType.IN_TRANSIT, TRACKING, CARRIER, minutes(i).toEpochMilli()));
        }

        assertThat(s.scans()).extracting(Scan::scanId).containsExactly("scan-3", "scan-4", "scan-5");
        assertThat(s.seenScanIds()).containsExactly("scan-1", "scan-2", "scan-3", "scan-4", "scan-5");
        assertThat(s.shippedBy().scanId()).isEqualTo("scan-0");
    }

    @Test
    void aCancellationWithoutALabelVoidsNothingUntilTheLabelIsCreated() {
        var cancel = POLICY.cancelled(Shipment.start(ORDER), cancellation(ORDER, minutes(2)), BUYER, SELLER, NOW);

        assertThat(cancel.events()).isEmpty();
        assertThat(cancel.shipment().isParty(BUYER)).isTrue();

        var label = POLICY.scanned(cancel.shipment(), domainScan(ORDER, ScanType.LABEL_CREATED, minutes(3)), NOW);

        assertThat(label.events()).containsExactly(new ShippingEvent.LabelVoided(TRACKING, CARRIER, "cmd-" + ORDER, NOW));
        assertThat(label.outcome()).isEqualTo(Change.Outcome.LABEL_VOIDED);
    }

    @Test
    void aCancellationOfALabelledOrderVoidsTheLabelOnce() {
        var labelled = apply(Shipment.start(ORDER), domainScan(ORDER, ScanType.LABEL_CREATED, minutes(1)));

        var cancel = POLICY.cancelled(labelled, cancellation(ORDER, minutes(2)), BUYER, SELLER, NOW);
        var again = POLICY.cancelled(cancel.shipment(), cancellation(ORDER, minutes(2)), BUYER, SELLER, NOW);
        var relabel = POLICY.scanned(cancel.shipment(),
                new Scan("relabel", ScanType.LABEL_CREATED, TRACKING, CARRIER, minutes(3).toEpochMilli()), NOW);

        assertThat(cancel.events()).containsExactly(new ShippingEvent.LabelVoided(TRACKING, CARRIER, "cmd-" + ORDER, NOW));
        assertThat(again.changed()).isFalse();
        assertThat(relabel.events()).isEmpty();
    }

    @Test
    void aMovingScanAfterTheCancellationIsAConflictAndDoesNotShip() {
        var cancelled = POLICY.cancelled(Shipment.start(ORDER), cancellation(ORDER, minutes(2)), BUYER, SELLER, NOW).shipment();
        var accepted = domainScan(ORDER, ScanType.ACCEPTED, minutes(3));

        var change = POLICY.scanned(cancelled, accepted, NOW);

        assertThat(change.events()).containsExactly(
                new ShippingEvent.Conflict(accepted, minutes(2).toEpochMilli(), NOW),
                new ShippingEvent.LabelVoided(TRACKING, CARRIER, "cmd-" + ORDER, NOW));
        assertThat(change.outcome()).isEqualTo(Change.Outcome.CONFLICT);
        assertThat(change.shipment().shippedBy()).isNull();
        assertThat(change.shipment().conflicts()).isEqualTo(1);
    }

    @Test
    void aSupportCancellationOfAShippedOrderIsNoConflictAndLaterScansOpenNoneEither() {
        var accepted = domainScan(ORDER, ScanType.ACCEPTED, minutes(5));
        var shipped = apply(Shipment.start(ORDER), accepted);
        var bySupport = new Cancellation("case:c-1", minutes(60).toEpochMilli(), true);

        var change = POLICY.cancelled(shipped, bySupport, BUYER, SELLER, NOW);
        var later = POLICY.scanned(change.shipment(), domainScan(ORDER, ScanType.IN_TRANSIT, minutes(90)), NOW);

        assertThat(change.events()).isEmpty();
        assertThat(change.shipment().cancellation()).isEqualTo(bySupport);
        assertThat(later.events()).isEmpty();
        assertThat(later.shipment().conflicts()).isZero();
    }

    @Test
    void aParcelThatMovesAfterSupportCancelledTheUnshippedOrderIsStillAConflict() {
        var bySupport = new Cancellation("case:c-2", minutes(2).toEpochMilli(), true);
        var cancelled = POLICY.cancelled(Shipment.start(ORDER), bySupport, BUYER, SELLER, NOW).shipment();
        var accepted = domainScan(ORDER, ScanType.ACCEPTED, minutes(3));

        var change = POLICY.scanned(cancelled, accepted, NOW);

        assertThat(change.events()).containsExactly(
                new ShippingEvent.Conflict(accepted, minutes(2).toEpochMilli(), NOW),
                new ShippingEvent.LabelVoided(TRACKING, CARRIER, "case:c-2", NOW));
        assertThat(change.outcome()).isEqualTo(Change.Outcome.CONFLICT);
    }

    @Test
    void aCancellationAfterTheOrderShippedIsAConflictOnTheScanThatShippedIt() {
        var accepted = domainScan(ORDER, ScanType.ACCEPTED, minutes(5));
        var shipped = apply(Shipment.start(ORDER), accepted, domainScan(ORDER, ScanType.IN_TRANSIT, minutes(9)));

        var change = POLICY.cancelled(shipped, cancellation(ORDER, minutes(4)), BUYER, SELLER, NOW);

        assertThat(change.events()).containsExactly(
                new ShippingEvent.Conflict(accepted, minutes(4).toEpochMilli(), NOW),
                new ShippingEvent.LabelVoided(TRACKING, CARRIER, "cmd-" + ORDER, NOW));
    }

    @Test
    void aLabelCreatedScanAfterTheCancellationIsNotAConflict() {
        var labelled = apply(Shipment.start(ORDER), domainScan(ORDER, ScanType.LABEL_CREATED, minutes(1)));
        var cancelled = POLICY.cancelled(labelled, cancellation(ORDER, minutes(2)), BUYER, SELLER, NOW).shipment();

        var change = POLICY.scanned(cancelled,
                new Scan("label-again", ScanType.LABEL_CREATED, TRACKING, CARRIER, minutes(3).toEpochMilli()), NOW);

        assertThat(change.events()).isEmpty();
        assertThat(change.outcome()).isEqualTo(Change.Outcome.RECORDED);
    }

    @Test
    void thePlacementRecordsThePartiesOnce() {
        var placed = POLICY.placed(Shipment.start(ORDER), BUYER, SELLER);
        var again = POLICY.placed(placed.shipment(), "someone", "else");

        assertThat(placed.shipment().isParty(BUYER)).isTrue();
        assertThat(placed.shipment().isParty(SELLER)).isTrue();
        assertThat(placed.shipment().isParty("buyer-bob")).isFalse();
        assertThat(again.changed()).isFalse();
    }

    @Test
    void rememberingFewerScanIdsThanScansKeptIsRefused() {
        assertThatThrownBy(() -> new ShipmentPolicy(10, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
