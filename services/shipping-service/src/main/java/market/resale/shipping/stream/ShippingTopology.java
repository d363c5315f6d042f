package market.resale.shipping.stream;

import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.JsonSerde;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.Sources;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.config.ShippingSettings;
import market.resale.shipping.domain.Shipment;
import market.resale.shipping.domain.ShipmentPolicy;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * shipping-service's topology. Placements (for the parties), carrier scans and cancellations are
 * merged into one processor keyed by order id, so a scan and a cancellation of the same order are
 * applied one after the other, never interleaved. The announced events, the shipment's new state
 * and the consumed offsets commit in one transaction (exactly_once_v2).
 */
public final class ShippingTopology {

    public static final String SHIPMENTS_STORE = "shipments";
    /** When a shipment whose order was never placed is forgotten ({@code unplaced-retention}, {@code DueIndex}). */
    public static final String UNPLACED_EXPIRY_STORE = "unplaced-shipment-expiry";

    private ShippingTopology() {
    }

    public static Topology build(ShippingSettings settings, SchemaRegistryClient registry, String applicationId, MeterRegistry meters) {
        return build(settings, registry, applicationId, meters, CommitWatch.PROCESSED_IS_COMMITTED, RecordTracing.NONE);
    }

    /**
     * {@code commits}: when the business counters may count ({@link CommittedCounters}); {@code tracing}: each scan in a
     * span of the trace its record carries (the carrier webhook's request).
     */
    public static Topology build(ShippingSettings settings, SchemaRegistryClient registry, String applicationId, MeterRegistry meters,
                                 CommitWatch commits, RecordTracing tracing) {
        var builder = new StreamsBuilder();
        define(builder, settings, registry, applicationId, meters, new CommittedCounters(meters, commits), tracing);
        return builder.build();
    }

    static void define(StreamsBuilder builder, ShippingSettings settings, SchemaRegistryClient registry, String applicationId, MeterRegistry meters,
                       CommittedCounters counters, RecordTracing tracing) {
        var policy = new ShipmentPolicy(settings.scansKept(), settings.scanIdsRemembered());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SHIPMENTS_STORE),
                Serdes.String(), JsonSerde.of(Shipment.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(UNPLACED_EXPIRY_STORE),
                Serdes.String(), Serdes.String()));

        var placed = Sources.avro(builder, Topics.ORDER_PLACED, registry, applicationId, meters)
                .mapValues(v -> (ShipmentInput) new ShipmentInput.Placed(v), Named.as("as-placed"));
        var scans = Sources.avro(builder, Topics.CARRIER_SCANS, registry, applicationId, meters)
                .mapValues(v -> (ShipmentInput) new ShipmentInput.Scanned(v), Named.as("as-scanned"));
        var cancelled = Sources.avro(builder, Topics.ORDER_CANCELLED, registry, applicationId, meters)
                .mapValues(v -> (ShipmentInput) new ShipmentInput.Cancelled(v), Named.as("as-cancelled"));

        Outbound.sinks(placed.merge(scans, Named.as("merge-scans")).merge(cancelled, Named.as("merge-cancelled"))
                        .process(tracing.traced("shipping apply", () -> new ShipmentProcessor(policy, settings.unplacedRetention(),
                                applicationId, counters)), Named.as("apply"), SHIPMENTS_STORE, UNPLACED_EXPIRY_STORE),
                registry, "shipments", applicationId, List.of(Topics.ORDER_SHIPPED, Topics.LABEL_VOIDED, Topics.SCAN_CONFLICTS));
    }
}
