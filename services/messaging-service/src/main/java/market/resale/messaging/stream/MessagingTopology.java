package market.resale.messaging.stream;

import java.util.List;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.CommandOutcome;
import market.resale.messaging.domain.Conversation;
import market.resale.messaging.domain.InboxEntry;
import market.resale.messaging.domain.InboxSummary;
import market.resale.messaging.domain.Message;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.JsonSerde;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.Sources;
import market.resale.platform.tracing.RecordTracing;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * messaging-service's topology, three parts:
 * <ul>
 *   <li>{@code conversation}: placements, window closures, shipments, cancellations, refusals and the
 *       conversation commands accepted over HTTP, merged by order id into one processor, so each
 *       order's entries are numbered and its requests decided one at a time;</li>
 *   <li>{@code notices}: causes that need no conversation state (window reminders, credit, support
 *       cases) mapped to notifications, keyed by the user they are for;</li>
 *   <li>{@code inbox}: {@code messaging.notifications} (written by the two above) and read marks,
 *       merged by user id into one processor that keeps each user's inbox.</li>
 * </ul>
 */
public final class MessagingTopology {

    public static final String CONVERSATIONS_STORE = "conversations";
    public static final String MESSAGES_STORE = "conversation-messages";
    public static final String OUTCOMES_STORE = "conversation-outcomes";
    /** {@code <15-digit decided at>|<outcome key>} → outcome key: the answers in the order they expire. */
    public static final String OUTCOME_EXPIRY_STORE = "conversation-outcome-expiry";
    public static final String SELLER_CHECKS_STORE = "seller-checks";
    public static final String INBOX_STORE = "inbox";
    public static final String INBOX_INDEX_STORE = "inbox-index";
    public static final String INBOX_SUMMARIES_STORE = "inbox-summaries";
    /** When each notification of {@link #INBOX_STORE} is forgotten ({@code inbox-retention}, {@code DueIndex}). */
    public static final String INBOX_EXPIRY_STORE = "inbox-expiry";

    private MessagingTopology() {
    }

    public static Topology build(MessagingSettings settings, SchemaRegistryClient registry, String applicationId,
                                 MeterRegistry meters, Clock clock) {
        return build(settings, registry, applicationId, meters, clock, CommitWatch.PROCESSED_IS_COMMITTED, RecordTracing.NONE);
    }

    /** {@code tracing}: each inbox delivery in a span of the trace its notification carries. */
    public static Topology build(MessagingSettings settings, SchemaRegistryClient registry, String applicationId,
                                 MeterRegistry meters, Clock clock, CommitWatch commits, RecordTracing tracing) {
        var counters = new CommittedCounters(meters, commits);
        var builder = new StreamsBuilder();
        conversations(builder, settings, registry, applicationId, meters, counters, clock);
        notices(builder, registry, applicationId, meters);
        inbox(builder, settings, registry, applicationId, meters, counters, clock, tracing);
        return builder.build();
    }

    private static void conversations(StreamsBuilder builder, MessagingSettings settings, SchemaRegistryClient registry,
                                      String applicationId, MeterRegistry meters, CommittedCounters counters, Clock clock) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONVERSATIONS_STORE),
                Serdes.String(), JsonSerde.of(Conversation.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGES_STORE),
                Serdes.String(), JsonSerde.of(Message.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTCOMES_STORE),
                Serdes.String(), JsonSerde.of(CommandOutcome.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OUTCOME_EXPIRY_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SELLER_CHECKS_STORE),
                Serdes.String(), Serdes.String()));

        var placed = Sources.avro(builder, Topics.ORDER_PLACED, registry, applicationId, meters)
                .mapValues(v -> (ConversationInput) new ConversationInput.Placed(v), Named.as("as-placed"));
        var windowClosed = Sources.avro(builder, Topics.WINDOW_CLOSED, registry, applicationId, meters)
                .mapValues(v -> (ConversationInput) new ConversationInput.WindowClosed(v), Named.as("as-window-closed"));
        var shipped = Sources.avro(builder, Topics.ORDER_SHIPPED, registry, applicationId, meters)
                .mapValues(v -> (ConversationInput) new ConversationInput.Shipped(v), Named.as("as-shipped"));
        var cancelled = Sources.avro(builder, Topics.ORDER_CANCELLED, registry, applicationId, meters)
                .mapValues(v -> (ConversationInput) new ConversationInput.Cancelled(v), Named.as("as-cancelled"));
        var rejected = Sources.avro(builder, Topics.CANCELLATION_REJECTED, registry, applicationId, meters)
                .mapValues(v -> (ConversationInput) new ConversationInput.Rejected(v), Named.as("as-rejected"));
        var commands = Sources.avro(builder, Topics.CONVERSATION_COMMANDS, registry, applicationId, meters)
                .mapValues(v -> (ConversationInput) new ConversationInput.Command(v), Named.as("as-command"));

        var conversation = placed.merge(windowClosed, Named.as("merge-window-closed"))
                .merge(shipped, Named.as("merge-shipped"))
                .merge(cancelled, Named.as("merge-cancelled"))
                .merge(rejected, Named.as("merge-rejected"))
                .merge(commands, Named.as("merge-commands"))
                .process(() -> new ConversationProcessor(settings, applicationId, counters, clock), Named.as("conversation"),
                        CONVERSATIONS_STORE, MESSAGES_STORE, OUTCOMES_STORE, OUTCOME_EXPIRY_STORE, SELLER_CHECKS_STORE);
        Outbound.sinks(conversation, registry, "conversation-out", applicationId, List.of(Topics.CONVERSATION_MESSAGES,
                Topics.SELLER_NON_RESPONSIVE, Topics.NOTIFICATIONS, Topics.CANCEL_COMMANDS));
    }

    private static void notices(StreamsBuilder builder, SchemaRegistryClient registry, String applicationId,
                                MeterRegistry meters) {
        var closing = Sources.avro(builder, Topics.WINDOW_CLOSING, registry, applicationId, meters)
                .map((orderId, e) -> notice(Notices.windowClosing(e)), Named.as("notice-window-closing"));
        var credit = Sources.avro(builder, Topics.CREDIT_ISSUED, registry, applicationId, meters)
                .map((userId, e) -> notice(Notices.creditIssued(e)), Named.as("notice-credit-issued"));
        var cases = Sources.avro(builder, Topics.CASE_EVENTS, registry, applicationId, meters)
                .flatMap((orderId, e) -> Notices.caseEvent(e).stream().map(MessagingTopology::notice).toList(),
                        Named.as("notice-case-event"));
        var shipBy = Sources.avro(builder, Topics.SHIP_BY, registry, applicationId, meters)
                .flatMap((orderId, e) -> Notices.shipBy(e).stream().map(MessagingTopology::notice).toList(),
                        Named.as("notice-ship-by"));
        Outbound.sinks(closing.merge(credit, Named.as("merge-credit")).merge(cases, Named.as("merge-cases"))
                        .merge(shipBy, Named.as("merge-ship-by")),
                registry, "notices-out", applicationId, List.of(Topics.NOTIFICATIONS));
    }

    private static void inbox(StreamsBuilder builder, MessagingSettings settings, SchemaRegistryClient registry, String applicationId,
                              MeterRegistry meters, CommittedCounters counters, Clock clock, RecordTracing tracing) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INBOX_STORE),
                Serdes.String(), JsonSerde.of(InboxEntry.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INBOX_INDEX_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INBOX_SUMMARIES_STORE),
                Serdes.String(), JsonSerde.of(InboxSummary.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INBOX_EXPIRY_STORE),
                Serdes.String(), Serdes.String()));

        var delivered = Sources.avro(builder, Topics.NOTIFICATIONS, registry, applicationId, meters)
                .mapValues(v -> (InboxInput) new InboxInput.Delivered(v), Named.as("as-delivered"));
        var marks = Sources.avro(builder, Topics.INBOX_COMMANDS, registry, applicationId, meters)
                .mapValues(v -> (InboxInput) new InboxInput.Command(v), Named.as("as-inbox-command"));
        var inbox = delivered.merge(marks, Named.as("merge-inbox-commands"))
                .process(tracing.traced("messaging inbox", () -> new InboxProcessor(applicationId, counters, clock, settings)),
                        Named.as("inbox"), INBOX_STORE, INBOX_INDEX_STORE, INBOX_SUMMARIES_STORE, INBOX_EXPIRY_STORE);
        Outbound.sinks(inbox, registry, "inbox-out", applicationId, List.of());
    }

    private static KeyValue<String, Outbound> notice(market.resale.schemas.messaging.Notification notification) {
        return KeyValue.pair(notification.getUserId(), Outbound.to(Topics.NOTIFICATIONS, notification));
    }

    public static String messageKey(String orderId, long seq) {
        return orderId + "|" + String.format("%019d", seq);
    }

    public static String messagePrefix(String orderId) {
        return orderId + "|";
    }

    public static String outcomeKey(String orderId, String commandId) {
        return orderId + "|" + commandId;
    }

    /** Newest first: the time is stored inverted, so a prefix scan reads the inbox from the latest notification. */
    public static String inboxKey(String userId, long createdAt, String notificationId) {
        return userId + "|" + String.format("%019d", Long.MAX_VALUE - Math.max(0, createdAt)) + "|" + notificationId;
    }

    public static String inboxPrefix(String userId) {
        return userId + "|";
    }

    public static String inboxIndexKey(String userId, String notificationId) {
        return userId + "|" + notificationId;
    }
}
