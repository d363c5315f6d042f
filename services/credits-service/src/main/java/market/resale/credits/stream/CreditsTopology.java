package market.resale.credits.stream;

import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import market.resale.credits.domain.Account;
import market.resale.credits.domain.LedgerEntry;
import market.resale.credits.domain.RedemptionOutcome;
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
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * credits-service's topology. Cancellations (keyed by order) are re-keyed by buyer and merged with
 * redemption requests (keyed by user) into one ledger processor: every change to one user's credit
 * is applied in sequence, and the credit for an order is issued once, because the order ids
 * already credited are kept in the same transactional state as the balance.
 */
public final class CreditsTopology {

    public static final String ACCOUNTS_STORE = "accounts";
    public static final String ENTRIES_STORE = "ledger-entries";
    public static final String CREDITED_ORDERS_STORE = "credited-orders";
    public static final String REDEMPTIONS_STORE = "redemptions";

    private CreditsTopology() {
    }

    public static Topology build(SchemaRegistryClient registry, String applicationId, MeterRegistry meters) {
        return build(registry, applicationId, meters, CommitWatch.PROCESSED_IS_COMMITTED, RecordTracing.NONE);
    }

    /**
     * {@code commits}: when the business counters may count ({@link CommittedCounters}); {@code tracing}: each ledger
     * change in a span of the trace its record carries.
     */
    public static Topology build(SchemaRegistryClient registry, String applicationId, MeterRegistry meters, CommitWatch commits,
                                 RecordTracing tracing) {
        var counters = new CommittedCounters(meters, commits);
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACCOUNTS_STORE),
                Serdes.String(), JsonSerde.of(Account.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENTRIES_STORE),
                Serdes.String(), JsonSerde.of(LedgerEntry.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CREDITED_ORDERS_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REDEMPTIONS_STORE),
                Serdes.String(), JsonSerde.of(RedemptionOutcome.class)));

        // By buyer, whose ledger they go to; the repartition topic carries each record's bytes as orders wrote them.
        var refunds = Sources.avroBy(builder, Topics.ORDER_CANCELLED, (orderId, cancelled) -> cancelled.getBuyerId(),
                        "cancellations-by-buyer", registry, applicationId, meters)
                .mapValues(c -> (CreditInput) new CreditInput.Refund(c), Named.as("as-refund"));
        var redemptions = Sources.avro(builder, Topics.REDEMPTION_REQUESTS, registry, applicationId, meters)
                .mapValues(r -> (CreditInput) new CreditInput.Redeem(r), Named.as("as-redeem"));

        Outbound.sinks(refunds.merge(redemptions, Named.as("merge-redemptions"))
                        .process(tracing.traced("credits ledger", () -> new LedgerProcessor(applicationId, counters)), Named.as("ledger"),
                                ACCOUNTS_STORE, ENTRIES_STORE, CREDITED_ORDERS_STORE, REDEMPTIONS_STORE),
                registry, "ledger", applicationId, List.of(Topics.CREDIT_ISSUED, Topics.CREDIT_REDEEMED, Topics.REDEMPTION_REJECTED));
        return builder.build();
    }

    public static String entryKey(String userId, long sequence) {
        return userId + "|" + String.format("%019d", sequence);
    }

    public static String entryPrefix(String userId) {
        return userId + "|";
    }

    public static String redemptionKey(String userId, String requestId) {
        return userId + "|" + requestId;
    }
}
