package market.resale.orders.stream;

import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.Attempt;
import market.resale.orders.domain.CancellationPolicy;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.Shipment;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.JsonSerde;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.Sources;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * orders-service's topology. Order placements, shipments and confirmed cancellations are merged
 * into one processor keyed by order id: Kafka Streams hands it one record at a time per order, so
 * a cancellation racing a shipping scan is decided in exactly one order (rule 8). The decision's
 * events, the order's new state and the consumed offsets commit in one transaction (exactly_once_v2).
 */
public final class OrdersTopology {

    public static final String ORDERS_STORE = "orders";
    public static final String WINDOW_DEADLINES_STORE = "window-deadlines";
    /** Shipments of orders whose placement has not arrived yet (two upstreams, two topics: no order between them). */
    public static final String EARLY_SHIPMENTS_STORE = "early-shipments";
    public static final String PARTY_ORDERS_STORE = "party-orders";
    /** The answer to every cancellation, by {@link #attemptKey}, kept for {@code answer-retention}. */
    public static final String ATTEMPTS_STORE = "cancel-attempts";
    /** When each answer in {@link #ATTEMPTS_STORE} is forgotten ({@code DueIndex}). */
    public static final String ATTEMPT_EXPIRY_STORE = "cancel-attempt-expiry";
    /** When each entry of {@link #EARLY_SHIPMENTS_STORE} is forgotten if its order never arrives ({@code DueIndex}). */
    public static final String EARLY_SHIPMENT_EXPIRY_STORE = "early-shipment-expiry";

    private OrdersTopology() {
    }

    public static Topology build(OrdersSettings settings, SchemaRegistryClient registry, String applicationId, MeterRegistry meters) {
        return build(settings, registry, applicationId, meters, CommitWatch.PROCESSED_IS_COMMITTED, RecordTracing.NONE);
    }

    /**
     * {@code commits}: when the business counters may count a decision ({@link CommittedCounters}); {@code tracing}: each
     * decision in a span of the trace its record carries.
     */
    public static Topology build(OrdersSettings settings, SchemaRegistryClient registry, String applicationId, MeterRegistry meters,
                                 CommitWatch commits, RecordTracing tracing) {
        var builder = new StreamsBuilder();
        define(builder, settings, registry, applicationId, meters, new CommittedCounters(meters, commits), tracing);
        return builder.build();
    }

    static void define(StreamsBuilder builder, OrdersSettings settings, SchemaRegistryClient registry, String applicationId,
                       MeterRegistry meters, CommittedCounters counters, RecordTracing tracing) {
        var policy = settings.policy();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ORDERS_STORE),
                Serdes.String(), JsonSerde.of(Order.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WINDOW_DEADLINES_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EARLY_SHIPMENTS_STORE),
                Serdes.String(), JsonSerde.of(Shipment.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ATTEMPTS_STORE),
                Serdes.String(), JsonSerde.of(Attempt.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ATTEMPT_EXPIRY_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EARLY_SHIPMENT_EXPIRY_STORE),
                Serdes.String(), Serdes.String()));

        var placed = Sources.avro(builder, Topics.ORDER_PLACED, registry, applicationId, meters)
                .mapValues(v -> (OrderInput) new OrderInput.Placed(v), Named.as("as-placed"));
        var shipped = Sources.avro(builder, Topics.ORDER_SHIPPED, registry, applicationId, meters)
                .mapValues(v -> (OrderInput) new OrderInput.Shipped(v), Named.as("as-shipped"));
        var commands = Sources.avro(builder, Topics.CANCEL_COMMANDS, registry, applicationId, meters)
                .mapValues(v -> (OrderInput) new OrderInput.Cancel(v), Named.as("as-cancel"));

        var comments = Sources.avro(builder, Topics.BUYER_COMMENT_COMMANDS, registry, applicationId, meters)
                .mapValues(v -> (OrderInput) new OrderInput.Comment(v), Named.as("as-comment"));
        var cases = Sources.avro(builder, Topics.CASE_EVENTS, registry, applicationId, meters)
                .mapValues(v -> (OrderInput) new OrderInput.CaseChanged(v), Named.as("as-case-changed"));
        var ratings = Sources.avro(builder, Topics.ORDER_RATED, registry, applicationId, meters)
                .mapValues(v -> (OrderInput) new OrderInput.Rated(v), Named.as("as-rated"));
        // Credits are keyed by the user whose ledger they go to; the timeline needs them by order.
        var credited = Sources.avro(builder, Topics.CREDIT_ISSUED, registry, applicationId, meters)
                .map((k, v) -> KeyValue.pair(v.getOrderId(), new OrderInput.Credited(v.getOrderId(), v.getAmountCents(),
                        v.getCurrency(), v.getIssuedAt().toEpochMilli())), Named.as("credit-by-order"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(OrderInput.Credited.class))
                        .withName("credits-by-order"))
                .mapValues(v -> (OrderInput) v, Named.as("as-credited"));

        var results = placed.merge(shipped, Named.as("merge-shipped")).merge(commands, Named.as("merge-commands"))
                .merge(comments, Named.as("merge-comments")).merge(cases, Named.as("merge-cases"))
                .merge(credited, Named.as("merge-credited")).merge(ratings, Named.as("merge-ratings"))
                .process(tracing.traced("orders decide", () -> new OrderProcessor(policy, settings, applicationId, counters)),
                        Named.as("decide"),
                        ORDERS_STORE, WINDOW_DEADLINES_STORE, EARLY_SHIPMENTS_STORE, ATTEMPTS_STORE, ATTEMPT_EXPIRY_STORE,
                        EARLY_SHIPMENT_EXPIRY_STORE);

        Outbound.sinks(results.filter((k, v) -> v instanceof Outbound, Named.as("events"))
                        .mapValues(v -> (Outbound) v, Named.as("as-outbound")), registry, "decisions", applicationId,
                List.of(Topics.ORDER_CANCELLED, Topics.CANCELLATION_REJECTED, Topics.WINDOW_CLOSING, Topics.WINDOW_CLOSED,
                        Topics.SHIP_BY));

        // Purchases and sales: re-key each changed order by buyer and by seller.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PARTY_ORDERS_STORE),
                Serdes.String(), JsonSerde.of(PartyOrder.class)));
        results.filter((k, v) -> v instanceof Order, Named.as("changed-orders"))
                .<String, PartyOrder>flatMap((k, v) -> {
                    var order = (Order) v;
                    return java.util.List.of(
                            KeyValue.pair(order.buyerId(), PartyOrder.of(PartyOrder.BUYER, order)),
                            KeyValue.pair(order.sellerId(), PartyOrder.of(PartyOrder.SELLER, order)));
                }, Named.as("by-party"))
                .repartition(Repartitioned.with(Serdes.String(), JsonSerde.of(PartyOrder.class)).withName("orders-by-party"))
                .process(PartyIndexProcessor::new, Named.as("index-party"), PARTY_ORDERS_STORE);
    }

    /** An attempt's key: its order, then its command id (order ids never contain '|', so the split is unambiguous). */
    public static String attemptKey(String orderId, String commandId) {
        return orderId + "|" + commandId;
    }
}
