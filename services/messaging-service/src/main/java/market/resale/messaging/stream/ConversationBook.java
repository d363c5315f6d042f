package market.resale.messaging.stream;

import java.time.Duration;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.Conversation;
import market.resale.messaging.domain.Message;
import market.resale.messaging.domain.Party;
import market.resale.messaging.domain.ResponsivenessRule;
import market.resale.platform.kafka.DueIndex;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The conversations of the orders in this task: their entries, numbered and published on
 * {@code conversation-messages}; the index of non-responsive checks ({@code <check time>|<orderId>}, zero-padded so
 * it sorts by time), moved whenever a conversation is saved; and the notices to the parties.
 */
final class ConversationBook {

    private final ProcessorScope scope;
    private final MessagingSettings settings;
    private final ResponsivenessRule rule;
    private final KeyValueStore<String, Conversation> conversations;
    private final KeyValueStore<String, Message> messages;
    private final DueIndex checks;

    ConversationBook(ProcessorScope scope, MessagingSettings settings) {
        this.scope = scope;
        this.settings = settings;
        this.rule = settings.nonResponsive().rule();
        this.conversations = scope.store(MessagingTopology.CONVERSATIONS_STORE);
        this.messages = scope.store(MessagingTopology.MESSAGES_STORE);
        this.checks = new DueIndex(scope.store(MessagingTopology.SELLER_CHECKS_STORE));
    }

    /** The order's conversation, or a new one not yet placed. */
    Conversation load(String orderId) {
        var conversation = conversations.get(orderId);
        return conversation == null ? Conversation.start(orderId) : conversation;
    }

    /** The stored conversation, or null. */
    Conversation stored(String orderId) {
        return conversations.get(orderId);
    }

    /** Stores the conversation as it is, with no move in the check index (the timer's own bookkeeping). */
    void put(Conversation conversation) {
        conversations.put(conversation.orderId(), conversation);
    }

    DueIndex checks() {
        return checks;
    }

    /** Stores the conversation and moves its entry in the check index to where the rule now wants it. */
    void save(Conversation before, Conversation after, long now) {
        var had = before.episode() == null ? null : before.episode().checkAt();
        var want = rule.nextCheck(after, now);
        if (had != null && !had.equals(want)) {
            checks.remove(had, after.orderId());
        }
        if (want != null && !want.equals(had)) {
            checks.add(want, after.orderId());
        }
        var stored = after.episode() == null ? after : after.withEpisode(after.episode().checkingAt(want));
        conversations.put(after.orderId(), stored);
    }

    /** Numbers, stores and publishes an entry; a seller entry ends the episode and records how long the seller took. */
    Conversation append(Record<String, ?> record, Conversation conversation, Message message) {
        messages.put(MessagingTopology.messageKey(message.orderId(), message.seq()), message);
        scope.emit(record, message.orderId(), Outbound.to(Topics.CONVERSATION_MESSAGES, MessageRecords.published(message)));
        scope.count("messages_total", "kind", message.kind().name());
        if (message.senderRole() == Party.SELLER && conversation.episode() != null) {
            scope.meters().timer("seller_response_seconds")
                    .record(Duration.ofMillis(Math.max(0, message.sentAt() - conversation.episode().firstUnansweredAt())));
        }
        return conversation.appended(message, settings.nonResponsive().quoted());
    }

    void notify(Record<String, ?> record, Notification notification) {
        scope.emit(record, notification.getUserId(), Outbound.to(Topics.NOTIFICATIONS, notification));
    }
}
