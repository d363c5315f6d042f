package market.resale.shipping.stream;

import java.time.Instant;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.Outbound;
import market.resale.schemas.shipping.LabelVoided;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.domain.Cancellation;
import market.resale.shipping.domain.Change;
import market.resale.shipping.domain.Scan;
import market.resale.shipping.domain.ScanType;
import market.resale.shipping.domain.Shipment;
import market.resale.shipping.domain.ShipmentPolicy;
import market.resale.shipping.domain.ShippingEvent;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Owns every order's shipment: applies each input through {@link ShipmentPolicy} and emits what it announces. */
class ShipmentProcessor extends ServiceProcessor<ShipmentInput, Outbound> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ShipmentProcessor.class);

    private static final int EXPIRY_BATCH = 10_000;

    private final ShipmentPolicy policy;
    private final java.time.Duration unplacedRetention;
    private KeyValueStore<String, Shipment> shipments;
    private market.resale.platform.kafka.DueIndex unplacedExpiry;

    ShipmentProcessor(ShipmentPolicy policy, java.time.Duration unplacedRetention, String applicationId, CommittedCounters counters) {
        super(applicationId, counters);
        this.policy = policy;
        this.unplacedRetention = unplacedRetention;
    }

    @Override
    protected void opened() {
        this.shipments = context.getStateStore(ShippingTopology.SHIPMENTS_STORE);
        this.unplacedExpiry = new market.resale.platform.kafka.DueIndex(context.getStateStore(ShippingTopology.UNPLACED_EXPIRY_STORE));
        context.schedule(java.time.Duration.ofMinutes(1), org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME,
                this::forgetUnplaced);
    }

    /** Wall-clock timer: a shipment whose order has still not been placed after unplaced-retention is forgotten. */
    void forgetUnplaced(long now) {
        for (var due : unplacedExpiry.takeDue(now, EXPIRY_BATCH)) {
            var shipment = shipments.get(due.key());
            if (shipment != null && shipment.buyerId() == null) {
                shipments.delete(due.key());
                counters.increment(context, "unplaced_shipments_expired_total");
            }
        }
    }

    @Override
    public void process(Record<String, ShipmentInput> record) {
        switch (record.value()) {
            case ShipmentInput.Placed placed -> place(record, placed);
            case ShipmentInput.Scanned scanned -> scan(record, scanned);
            case ShipmentInput.Cancelled cancelled -> cancel(record, cancelled);
        }
    }

    private void place(Record<String, ShipmentInput> record, ShipmentInput.Placed placed) {
        var e = placed.event();
        var problem = keyProblem(record, e.getOrderId());
        if (problem == null) {
            problem = market.resale.platform.Ids.orderProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        }
        if (problem != null) {
            deadLetter(record, problem);
            return;
        }
        apply(record, policy.placed(current(e.getOrderId()), e.getBuyerId(), e.getSellerId()));
    }

    private void scan(Record<String, ShipmentInput> record, ShipmentInput.Scanned scanned) {
        var s = scanned.scan();
        var problem = keyProblem(record, s.getOrderId());
        if (problem == null && (s.getScanId().isBlank() || s.getTrackingNumber().isBlank() || s.getCarrier().isBlank())) {
            problem = "blank scanId, trackingNumber or carrier";
        }
        if (problem != null) {
            deadLetter(record, problem);
            return;
        }
        if (s.getScanType() == market.resale.schemas.carrier.ScanType.UNKNOWN) {
            // The carrier contract's enum has a symbol newer than this service: the scan is kept on the timeline, moves nothing.
            counters.increment(context, "contract_unknown_symbols_total", "topic", Topics.CARRIER_SCANS.name(), "field", "scanType");
            log.atWarn().addKeyValue("orderId", s.getOrderId()).addKeyValue("scanId", s.getScanId())
                    .log("Scan {} of order {} has a scan type this service does not know; recorded as UNKNOWN", s.getScanId(),
                            s.getOrderId());
        }
        var change = policy.scanned(current(s.getOrderId()), ShipmentRecords.scan(s), context.currentSystemTimeMs());
        apply(record, change);
        counters.increment(context, "scans_total", "type", s.getScanType().name(), "outcome", change.outcome().name());
    }

    private void cancel(Record<String, ShipmentInput> record, ShipmentInput.Cancelled cancelled) {
        var e = cancelled.event();
        var problem = keyProblem(record, e.getOrderId());
        if (problem == null && e.getCommandId().isBlank()) {
            problem = "blank commandId";
        }
        if (problem != null) {
            deadLetter(record, problem);
            return;
        }
        apply(record, policy.cancelled(current(e.getOrderId()),
                new Cancellation(e.getCommandId(), e.getCancelledAt().toEpochMilli(),
                        e.getActor() == market.resale.schemas.orders.Actor.SUPPORT),
                e.getBuyerId(), e.getSellerId(), context.currentSystemTimeMs()));
    }

    private static String keyProblem(Record<String, ShipmentInput> record, String orderId) {
        if (!market.resale.platform.Ids.valid(orderId)) {
            return market.resale.platform.Ids.problem("orderId", orderId);
        }
        if (!orderId.equals(record.key())) {
            return "record key " + record.key() + " differs from orderId " + orderId;
        }
        return null;
    }


    private Shipment current(String orderId) {
        var shipment = shipments.get(orderId);
        return shipment == null ? Shipment.start(orderId) : shipment;
    }

    private void apply(Record<String, ShipmentInput> record, Change change) {
        if (!change.changed()) {
            return; // a redelivery changes nothing
        }
        var shipment = change.shipment();
        if (shipment.buyerId() == null && shipments.get(shipment.orderId()) == null) {
            // Scans for an order checkout has not told of (yet): kept unplaced-retention for its placement.
            unplacedExpiry.add(context.currentSystemTimeMs() + unplacedRetention.toMillis(), shipment.orderId());
        }
        shipments.put(shipment.orderId(), shipment);
        for (var event : change.events()) {
            scope().emit(record, record.key(), announcement(shipment, event));
        }
    }

    private Outbound announcement(Shipment shipment, ShippingEvent event) {
        return switch (event) {
            case ShippingEvent.Shipped shipped -> {
                var scan = shipped.scan();
                counters.increment(context, "orders_shipped_total");
                yield Outbound.to(Topics.ORDER_SHIPPED, OrderShipped.newBuilder()
                        .setOrderId(shipment.orderId()).setTrackingNumber(scan.trackingNumber()).setCarrier(scan.carrier())
                        .setScanId(scan.scanId()).setScanType(ShipmentRecords.scanType(scan.type()))
                        .setShippedAt(Instant.ofEpochMilli(scan.scannedAt()))
                        .build());
            }
            case ShippingEvent.LabelVoided voided -> {
                counters.increment(context, "labels_voided_total");
                yield Outbound.to(Topics.LABEL_VOIDED, LabelVoided.newBuilder()
                        .setOrderId(shipment.orderId()).setTrackingNumber(voided.trackingNumber())
                        .setCarrier(voided.carrier()).setCancelCommandId(voided.cancelCommandId())
                        .setVoidedAt(Instant.ofEpochMilli(voided.voidedAt()))
                        .build());
            }
            case ShippingEvent.Conflict conflict -> {
                var scan = conflict.scan();
                counters.increment(context, "scan_conflicts_total", "type", scan.type().name());
                yield Outbound.to(Topics.SCAN_CONFLICTS, ScanConflict.newBuilder()
                        .setOrderId(shipment.orderId()).setScanId(scan.scanId())
                        .setTrackingNumber(scan.trackingNumber()).setCarrier(scan.carrier())
                        .setScanType(ShipmentRecords.scanType(scan.type())).setScannedAt(Instant.ofEpochMilli(scan.scannedAt()))
                        .setCancelledAt(Instant.ofEpochMilli(conflict.cancelledAt()))
                        .setDetectedAt(Instant.ofEpochMilli(conflict.detectedAt()))
                        .build());
            }
        };
    }



    /** Like an undecodable record's dead letter, it names where it came from, so that it can be re-driven. */
    private void deadLetter(Record<String, ShipmentInput> record, String detail) {
        deadLetter(record, DeadLetters.INVALID, detail);
    }

}
