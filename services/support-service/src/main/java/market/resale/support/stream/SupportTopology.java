package market.resale.support.stream;

import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.JsonSerde;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.Sources;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.support.CaseSummary;
import market.resale.schemas.topics.Topics;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.CommandOutcome;
import market.resale.support.domain.ConversationEntry;
import market.resale.support.domain.OrderCases;
import market.resale.support.domain.SupportCase;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * support-service's topology. Everything about an order's cases — checkout's parties, messaging's
 * non-responsive sellers and conversation entries, shipping's scan conflicts, orders' answers to the
 * cancellations support ordered, and the HTTP commands — is merged into one processor keyed by order id, so "one open
 * case per order and type" is a local check and each change commits with its events in one
 * transaction. Attached files are kept in their own store, whose changelog is their durable copy.
 * Case summaries go to a compacted topic read back as a global table, so every instance can list
 * every case.
 */
public final class SupportTopology {

    public static final String ORDER_CASES_STORE = "order-cases";
    public static final String CASES_STORE = "cases";
    public static final String FILES_STORE = "case-files";
    public static final String OUTCOMES_STORE = "case-command-outcomes";
    /** The answers in {@link #OUTCOMES_STORE} by decision time, for forgetting them after {@code outcome-retention}. */
    public static final String OUTCOME_EXPIRY_STORE = "case-command-outcome-expiry";
    /** When the files of a closed case are deleted ({@code closed-case-file-retention}, {@code DueIndex} of file keys). */
    public static final String FILE_EXPIRY_STORE = "case-file-expiry";
    public static final String SUMMARIES_STORE = "case-summaries";
    /** {@code <orderId>|<messageId>} → the conversation entry, the latest {@code quotable-messages} of each order. */
    public static final String MESSAGES_STORE = "order-messages";
    /** {@code <orderId>|<19-digit seq>} → message id: which entries to let go when an order has more than the window. */
    public static final String MESSAGE_SEQ_STORE = "order-message-seqs";

    private SupportTopology() {
    }

    public static Topology build(SupportSettings settings, SchemaRegistryClient registry, String applicationId,
                                 MeterRegistry meters) {
        return build(settings, registry, applicationId, meters, CommitWatch.PROCESSED_IS_COMMITTED, RecordTracing.NONE);
    }

    /** {@code tracing}: each case action in a span of the trace its record carries (an agent's request, a scan conflict). */
    public static Topology build(SupportSettings settings, SchemaRegistryClient registry, String applicationId,
                                 MeterRegistry meters, CommitWatch commits, RecordTracing tracing) {
        var counters = new CommittedCounters(meters, commits);
        var builder = new StreamsBuilder();
        // A case (with its evidence list) and a file each are one changelog record: the changelogs take what the topics take.
        var largeRecords = Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topics.SUPPORT_MAX_RECORD_BYTES));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ORDER_CASES_STORE),
                Serdes.String(), JsonSerde.of(OrderCases.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CASES_STORE),
                Serdes.String(), JsonSerde.of(SupportCase.class)).withLoggingEnabled(largeRecords));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FILES_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(largeRecords));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTCOMES_STORE),
                Serdes.String(), JsonSerde.of(CommandOutcome.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTCOME_EXPIRY_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FILE_EXPIRY_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGES_STORE),
                Serdes.String(), JsonSerde.of(ConversationEntry.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGE_SEQ_STORE),
                Serdes.String(), Serdes.String()));

        var placed = Sources.avro(builder, Topics.ORDER_PLACED, registry, applicationId, meters)
                .mapValues(v -> (CaseInput) new CaseInput.Placed(v), Named.as("as-placed"));
        var nonResponsive = Sources.avro(builder, Topics.SELLER_NON_RESPONSIVE, registry, applicationId, meters)
                .mapValues(v -> (CaseInput) new CaseInput.NonResponsive(v), Named.as("as-non-responsive"));
        var conflicts = Sources.avro(builder, Topics.SCAN_CONFLICTS, registry, applicationId, meters)
                .mapValues(v -> (CaseInput) new CaseInput.Conflict(v), Named.as("as-conflict"));
        var cancelled = Sources.avro(builder, Topics.ORDER_CANCELLED, registry, applicationId, meters)
                .mapValues(v -> (CaseInput) new CaseInput.Cancelled(v), Named.as("as-cancelled"));
        var refused = Sources.avro(builder, Topics.CANCELLATION_REJECTED, registry, applicationId, meters)
                .mapValues(v -> (CaseInput) new CaseInput.CancelRefused(v), Named.as("as-cancel-refused"));
        var commands = Sources.avro(builder, Topics.CASE_COMMANDS, registry, applicationId, meters)
                .mapValues(v -> (CaseInput) new CaseInput.Command(v), Named.as("as-command"));
        // Co-partitioned with the rest (keyed by order id, Topics.PARTITIONS): an order's entries reach its processor.
        var messages = Sources.avro(builder, Topics.CONVERSATION_MESSAGES, registry, applicationId, meters)
                .mapValues(v -> (CaseInput) new CaseInput.Message(v), Named.as("as-message"));

        var decided = placed.merge(nonResponsive, Named.as("merge-non-responsive"))
                .merge(conflicts, Named.as("merge-conflicts"))
                .merge(cancelled, Named.as("merge-cancelled"))
                .merge(refused, Named.as("merge-cancel-refused"))
                .merge(commands, Named.as("merge-commands"))
                .merge(messages, Named.as("merge-messages"))
                .process(tracing.traced("support cases", () -> new CaseProcessor(settings, applicationId, counters)), Named.as("cases"),
                        ORDER_CASES_STORE, CASES_STORE, FILES_STORE, OUTCOMES_STORE, OUTCOME_EXPIRY_STORE, FILE_EXPIRY_STORE, MESSAGES_STORE,
                        MESSAGE_SEQ_STORE);
        Outbound.sinks(decided, registry, "cases", applicationId,
                List.of(Topics.CASE_EVENTS, Topics.CASE_SUMMARIES, Topics.CANCEL_COMMANDS));

        builder.globalTable(Topics.CASE_SUMMARIES.name(),
                Consumed.with(Serdes.String(), Topics.CASE_SUMMARIES.valueSerde(registry)).withName("read-case-summaries"),
                Materialized.<String, CaseSummary, KeyValueStore<Bytes, byte[]>>as(SUMMARIES_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Topics.CASE_SUMMARIES.valueSerde(registry)));
        return builder.build();
    }

    /** Command outcomes are scoped by order: an Idempotency-Key reused on another order is another command. */
    public static String outcomeKey(String orderId, String commandId) {
        return orderId + "|" + commandId;
    }

    public static String fileKey(String caseId, String evidenceId) {
        return caseId + "|" + evidenceId;
    }

    public static String messageKey(String orderId, String messageId) {
        return orderId + "|" + messageId;
    }

    public static String messageSeqKey(String orderId, long seq) {
        return orderId + "|" + String.format("%019d", Math.max(0, seq));
    }
}
