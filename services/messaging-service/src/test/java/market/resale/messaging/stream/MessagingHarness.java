package market.resale.messaging.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import market.resale.messaging.MessagingMother;
import market.resale.platform.ManualClock;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.CommandOutcome;
import market.resale.messaging.domain.Conversation;
import market.resale.messaging.domain.InboxEntry;
import market.resale.messaging.domain.InboxSummary;
import market.resale.platform.kafka.TopologyHarness;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.messaging.ConversationCommand;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.InboxCommand;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.CancellationWindowClosing;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.support.CaseEvent;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;

/**
 * messaging-service's topology under test, with one clock for everything: {@link #at} moves both the
 * injected {@link java.time.Clock} (what the processors read) and the driver's wall clock (what fires
 * the timer), the way a settable Clock bean and real time do in the running service.
 */
final class MessagingHarness implements AutoCloseable {

    static final String APP = "messaging-service";

    final ManualClock clock = new ManualClock(MessagingMother.PLACED_AT);
    final TopologyHarness topology;
    final TestInputTopic<String, OrderPlaced> placed;
    final TestInputTopic<String, CancellationWindowClosed> windowClosed;
    final TestInputTopic<String, CancellationWindowClosing> windowClosing;
    final TestInputTopic<String, OrderShipped> shipped;
    final TestInputTopic<String, OrderCancelled> cancelled;
    final TestInputTopic<String, CancellationRejected> rejected;
    final TestInputTopic<String, CreditIssued> credits;
    final TestInputTopic<String, CaseEvent> cases;
    final TestInputTopic<String, market.resale.schemas.orders.ShipByDue> shipBy;
    final TestInputTopic<String, ConversationCommand> commands;
    final TestInputTopic<String, InboxCommand> inboxCommands;
    final TestOutputTopic<String, ConversationMessage> messages;
    final TestOutputTopic<String, SellerNonResponsive> nonResponsive;
    final TestOutputTopic<String, Notification> notifications;
    final TestOutputTopic<String, CancelOrderCommand> cancelCommands;
    final TestOutputTopic<String, byte[]> deadLetters;

    MessagingHarness() {
        this(MessagingMother.settings());
    }

    MessagingHarness(MessagingSettings settings) {
        topology = TopologyHarness.start(APP, (registry, meters) -> MessagingTopology.build(settings, registry, APP, meters, clock),
                MessagingMother.PLACED_AT);
        placed = topology.input(Topics.ORDER_PLACED);
        windowClosed = topology.input(Topics.WINDOW_CLOSED);
        windowClosing = topology.input(Topics.WINDOW_CLOSING);
        shipped = topology.input(Topics.ORDER_SHIPPED);
        cancelled = topology.input(Topics.ORDER_CANCELLED);
        rejected = topology.input(Topics.CANCELLATION_REJECTED);
        credits = topology.input(Topics.CREDIT_ISSUED);
        cases = topology.input(Topics.CASE_EVENTS);
        shipBy = topology.input(Topics.SHIP_BY);
        commands = topology.input(Topics.CONVERSATION_COMMANDS);
        inboxCommands = topology.input(Topics.INBOX_COMMANDS);
        messages = topology.output(Topics.CONVERSATION_MESSAGES);
        nonResponsive = topology.output(Topics.SELLER_NON_RESPONSIVE);
        notifications = topology.output(Topics.NOTIFICATIONS);
        cancelCommands = topology.output(Topics.CANCEL_COMMANDS);
        deadLetters = topology.deadLetters();
    }

    /** Time is now {@code instant}: for the processors' clock and for the timer. */
    void at(Instant instant) {
        clock.set(instant);
        topology.advanceWallClockTo(instant);
    }

    /** An order placed, with the buyer's own window expired: the buyer may now only ask the seller. */
    void placedAndWindowExpired(String orderId) {
        placed.pipeInput(orderId, MessagingMother.placed(orderId).build());
        windowClosed.pipeInput(orderId, MessagingMother.windowExpired(orderId).build());
    }

    void send(ConversationCommand command) {
        commands.pipeInput(command.getOrderId(), command);
    }

    Conversation conversation(String orderId) {
        return topology.<Conversation>store(MessagingTopology.CONVERSATIONS_STORE).get(orderId);
    }

    CommandOutcome outcome(String orderId, String commandId) {
        return topology.<CommandOutcome>store(MessagingTopology.OUTCOMES_STORE).get(MessagingTopology.outcomeKey(orderId, commandId));
    }

    List<InboxEntry> inbox(String userId) {
        var entries = new ArrayList<InboxEntry>();
        try (var it = topology.<InboxEntry>store(MessagingTopology.INBOX_STORE)
                .prefixScan(MessagingTopology.inboxPrefix(userId), Serdes.String().serializer())) {
            it.forEachRemaining(kv -> entries.add(kv.value));
        }
        return entries;
    }

    InboxSummary summary(String userId) {
        return topology.<InboxSummary>store(MessagingTopology.INBOX_SUMMARIES_STORE).get(userId);
    }

    @Override
    public void close() {
        topology.close();
    }
}
