package market.resale.shipping.stream;

import static market.resale.shipping.ShipmentMother.BUYER;
import static market.resale.shipping.ShipmentMother.CARRIER;
import static market.resale.shipping.ShipmentMother.PLACED_AT;
import static market.resale.shipping.ShipmentMother.SELLER;
import static market.resale.shipping.ShipmentMother.TRACKING;
import static market.resale.shipping.ShipmentMother.cancelled;
import static market.resale.shipping.ShipmentMother.placed;
import static market.resale.shipping.ShipmentMother.scan;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.TopologyHarness;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.LabelVoided;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.config.ShippingSettings;
import market.resale.shipping.domain.Shipment;
import market.resale.shipping.domain.ShipmentStatus;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The shipping rules as the topology applies them, with the wall clock driven explicitly. */
class ShippingTopologyTest {

    private static final String APP = "shipping-service";
    /** The wall clock while the tests run: when conflicts are detected and labels voided. */
    private static final Instant NOW = PLACED_AT.plus(Duration.ofHours(30));
    private static final Duration UNPLACED_RETENTION = Duration.ofDays(30);

    private TopologyHarness harness;
    private TestInputTopic<String, OrderPlaced> placedTopic;
    private TestInputTopic<String, CarrierScan> scanTopic;
    private TestInputTopic<String, OrderCancelled> cancelledTopic;
    private TestOutputTopic<String, OrderShipped> shippedTopic;
    private TestOutputTopic<String, LabelVoided> voidedTopic;
    private TestOutputTopic<String, ScanConflict> conflictTopic;
    private TestOutputTopic<String, byte[]> deadLetterTopic;

    @BeforeEach
    void start() {
        var settings = new ShippingSettings(50, 500, Duration.ofSeconds(10), UNPLACED_RETENTION);
        harness = TopologyHarness.start(APP, (registry, meters) -> ShippingTopology.build(settings, registry, APP, meters), NOW);
        placedTopic = harness.input(Topics.ORDER_PLACED);
        scanTopic = harness.input(Topics.CARRIER_SCANS);
        cancelledTopic = harness.input(Topics.ORDER_CANCELLED);
        shippedTopic = harness.output(Topics.ORDER_SHIPPED);
        voidedTopic = harness.output(Topics.LABEL_VOIDED);
        conflictTopic = harness.output(Topics.SCAN_CONFLICTS);
        deadLetterTopic = harness.deadLetters();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private Shipment shipment(String orderId) {
        KeyValueStore<String, Shipment> store = harness.store(ShippingTopology.SHIPMENTS_STORE);
        return store.get(orderId);
    }

    private void scanned(CarrierScan scan) {
        scanTopic.pipeInput(scan.getOrderId(), scan);
    }

    private static Instant minutes(int m) {
        return PLACED_AT.plusSeconds(60L * m);
    }

    private static OrderShipped expectedShipped(CarrierScan scan) {
        return OrderShipped.newBuilder().setOrderId(scan.getOrderId()).setTrackingNumber(scan.getTrackingNumber())
                .setCarrier(scan.getCarrier()).setScanId(scan.getScanId()).setScanType(scan.getScanType())
                .setShippedAt(scan.getScannedAt()).build();
    }

    private static ScanConflict expectedConflict(CarrierScan scan, Instant cancelledAt) {
        return ScanConflict.newBuilder().setOrderId(scan.getOrderId()).setScanId(scan.getScanId())
                .setTrackingNumber(scan.getTrackingNumber()).setCarrier(scan.getCarrier()).setScanType(scan.getScanType())
                .setScannedAt(scan.getScannedAt()).setCancelledAt(cancelledAt).setDetectedAt(NOW).build();
    }

    private static LabelVoided expectedVoid(String orderId) {
        return LabelVoided.newBuilder().setOrderId(orderId).setTrackingNumber(TRACKING).setCarrier(CARRIER)
                .setCancelCommandId("cmd-" + orderId).setVoidedAt(NOW).build();
    }

    /**
     * Issue 16, point 7: scans for an order checkout never placed make a shipment with no parties; it is forgotten
     * unplaced-retention later. One whose order is placed in time stays.
     */
    @Test
    void theShipmentOfAnOrderNeverPlacedIsForgottenAfterItsRetention() {
        scanned(scan("o-never", ScanType.ACCEPTED, minutes(10)).build());
        scanned(scan("o-late", ScanType.ACCEPTED, minutes(10)).build());
        placedTopic.pipeInput("o-late", placed("o-late").build());
        assertThat(shipment("o-never")).isNotNull();

        harness.advanceWallClockTo(NOW.plus(UNPLACED_RETENTION).minus(Duration.ofMinutes(5)));
        assertThat(shipment("o-never")).as("still waiting for its placement").isNotNull();
        harness.advanceWallClockTo(NOW.plus(UNPLACED_RETENTION).plus(Duration.ofMinutes(5)));

        assertThat(shipment("o-never")).isNull();
        assertThat(shipment("o-late")).isNotNull();
        assertThat(harness.<String>store(ShippingTopology.UNPLACED_EXPIRY_STORE).approximateNumEntries()).isZero();
        assertThat(harness.count("unplaced_shipments_expired_total")).isEqualTo(1);
    }

    @Nested
    class Shipping {

        @Test
        void aLabelCreatedScanDoesNotShipTheOrder() {
            scanned(scan("o-1", ScanType.LABEL_CREATED, minutes(10)).build());

            assertThat(shippedTopic.isEmpty()).isTrue();
            assertThat(shipment("o-1").status()).isEqualTo(ShipmentStatus.LABEL_CREATED);
            assertThat(shipment("o-1").trackingNumber()).isEqualTo(TRACKING);
        }

        @Test
        void theFirstAcceptedScanShipsTheOrderOnce() {
            var accepted = scan("o-2", ScanType.ACCEPTED, minutes(20)).build();
            scanned(scan("o-2", ScanType.LABEL_CREATED, minutes(10)).build());

            scanned(accepted);

            assertThat(shippedTopic.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-2", expectedShipped(accepted)));
            assertThat(shipment("o-2").status()).isEqualTo(ShipmentStatus.SHIPPED);
        }

        @Test
        void aRedeliveredScanChangesNothing() {
            var accepted = scan("o-3", ScanType.ACCEPTED, minutes(20)).build();
            scanned(accepted);
            var before = shipment("o-3");

            scanned(accepted);

            assertThat(shippedTopic.readValuesToList()).containsExactly(expectedShipped(accepted));
            assertThat(shipment("o-3")).isEqualTo(before);
        }

        @Test
        void laterScansDoNotAnnounceTheShipmentAgain() {
            var accepted = scan("o-4", ScanType.ACCEPTED, minutes(20)).build();

            scanned(accepted);
            scanned(scan("o-4", ScanType.IN_TRANSIT, minutes(200)).build());
            scanned(scan("o-4", ScanType.OUT_FOR_DELIVERY, minutes(900)).build());
            scanned(scan("o-4", ScanType.DELIVERED, minutes(1000)).build());

            assertThat(shippedTopic.readValuesToList()).containsExactly(expectedShipped(accepted));
            assertThat(shipment("o-4").status()).isEqualTo(ShipmentStatus.DELIVERED);
            assertThat(shipment("o-4").scans()).hasSize(4);
        }

        @Test
        void thePlacementRecordsTheParties() {
            placedTopic.pipeInput("o-5", placed("o-5").build());

            assertThat(shipment("o-5").isParty(BUYER)).isTrue();
            assertThat(shipment("o-5").isParty(SELLER)).isTrue();
            assertThat(shipment("o-5").status()).isEqualTo(ShipmentStatus.AWAITING_LABEL);
        }
    }

    @Nested
    class Race {

        @Test
        void cancelThenScanTheScanIsAConflictAndTheOrderDoesNotShip() {
            placedTopic.pipeInput("o-10", placed("o-10").build());
            cancelledTopic.pipeInput("o-10", cancelled("o-10", minutes(30)).build());
            var accepted = scan("o-10", ScanType.ACCEPTED, minutes(31)).build();

            scanned(accepted);

            assertThat(shippedTopic.isEmpty()).isTrue();
            assertThat(conflictTopic.readValuesToList()).containsExactly(expectedConflict(accepted, minutes(30)));
            assertThat(voidedTopic.readValuesToList()).containsExactly(expectedVoid("o-10"));
        }

        @Test
        void scanThenCancelTheScanIsAConflictAndTheLabelIsVoided() {
            var accepted = scan("o-11", ScanType.ACCEPTED, minutes(31)).build();
            scanned(scan("o-11", ScanType.LABEL_CREATED, minutes(25)).build());
            scanned(accepted);

            cancelledTopic.pipeInput("o-11", cancelled("o-11", minutes(30)).build());

            assertThat(shippedTopic.readValuesToList()).containsExactly(expectedShipped(accepted));
            assertThat(conflictTopic.readValuesToList()).containsExactly(expectedConflict(accepted, minutes(30)));
            assertThat(voidedTopic.readValuesToList()).containsExactly(expectedVoid("o-11"));
        }

        @Test
        void onlyTheFirstMovingScanAfterTheCancellationIsAConflictLaterScansAndTheReturnAreRecorded() {
            cancelledTopic.pipeInput("o-12", cancelled("o-12", minutes(30)).build());
            var accepted = scan("o-12", ScanType.ACCEPTED, minutes(31)).build();
            var inTransit = scan("o-12", ScanType.IN_TRANSIT, minutes(90)).build();
            var returned = scan("o-12", ScanType.RETURNED_TO_SENDER, minutes(300)).build();

            scanned(accepted);
            scanned(accepted);
            scanned(inTransit);
            scanned(returned);

            assertThat(conflictTopic.readValuesToList()).containsExactly(expectedConflict(accepted, minutes(30)));
            assertThat(shippedTopic.isEmpty()).isTrue();
            KeyValueStore<String, Shipment> store = harness.store(ShippingTopology.SHIPMENTS_STORE);
            assertThat(store.get("o-12").conflicts()).isEqualTo(2);
            assertThat(store.get("o-12").scans()).hasSize(3);
        }
    }

    @Nested
    class Labels {

        @Test
        void aCancelledOrdersLabelIsVoidedOnce() {
            scanned(scan("o-20", ScanType.LABEL_CREATED, minutes(10)).build());
            var cancellation = cancelled("o-20", minutes(30)).build();

            cancelledTopic.pipeInput("o-20", cancellation);
            cancelledTopic.pipeInput("o-20", cancellation);
            scanned(scan("o-20", ScanType.LABEL_CREATED, minutes(10)).setScanId("o-20-relabel").build());

            assertThat(voidedTopic.readValuesToList()).containsExactly(expectedVoid("o-20"));
            assertThat(conflictTopic.isEmpty()).isTrue();
            assertThat(shipment("o-20").labelVoided()).isTrue();
        }

        @Test
        void aLabelCreatedAfterTheCancellationIsVoidedWhenItArrives() {
            cancelledTopic.pipeInput("o-21", cancelled("o-21", minutes(30)).build());
            assertThat(voidedTopic.isEmpty()).isTrue();

            scanned(scan("o-21", ScanType.LABEL_CREATED, minutes(40)).build());

            assertThat(voidedTopic.readValuesToList()).containsExactly(expectedVoid("o-21"));
            assertThat(conflictTopic.isEmpty()).isTrue();
        }
    }

    @Nested
    class DeadLetters_ {

        @Test
        void poisonRecordsOnEveryConsumedTopicAreDeadLetteredAndTheNextRecordIsProcessed() {
            for (var topic : List.of(Topics.ORDER_PLACED, Topics.CARRIER_SCANS, Topics.ORDER_CANCELLED)) {
                harness.rawInput(topic)
                        .pipeInput("poison", "not avro".getBytes(StandardCharsets.UTF_8));
            }
            scanTopic.pipeInput("o-other", scan("o-30", ScanType.ACCEPTED, minutes(5)).build());
            scanned(scan("o-30", ScanType.ACCEPTED, minutes(5)).setScanId(" ").build());
            cancelledTopic.pipeInput("o-other", cancelled("o-30", minutes(5)).build());
            var accepted = scan("o-30", ScanType.ACCEPTED, minutes(6)).build();

            scanned(accepted);

            var dead = deadLetterTopic.readRecordsToList();
            assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).containsExactly(
                    "not-deserializable", "not-deserializable", "not-deserializable", "invalid", "invalid", "invalid");
            assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.SOURCE_TOPIC)).containsExactly(
                    Topics.ORDER_PLACED.name(), Topics.CARRIER_SCANS.name(), Topics.ORDER_CANCELLED.name(),
                    Topics.CARRIER_SCANS.name(), Topics.CARRIER_SCANS.name(), Topics.ORDER_CANCELLED.name());
            assertThat(dead.get(1).value()).isEqualTo("not avro".getBytes(StandardCharsets.UTF_8));
            assertThat(DeadLetters.header(dead.get(3).headers(), DeadLetters.DETAIL)).contains("differs from orderId o-30");
            assertThat(DeadLetters.header(dead.get(4).headers(), DeadLetters.DETAIL)).contains("blank scanId");
            assertThat(shippedTopic.readValuesToList()).containsExactly(expectedShipped(accepted));
            assertThat(conflictTopic.isEmpty()).isTrue();
        }
    }

    /** The service README shows the topology this code builds, every output a named sink (Topology.describe()). */
    @org.junit.jupiter.api.Test
    void theReadmeShowsThisTopology() throws Exception {
        harness.assertReadmeShowsTopology(java.nio.file.Path.of("README.md"));
    }
}
