package market.resale.support.stream;

import java.util.ArrayList;
import java.util.List;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.support.domain.CaseLimits;
import market.resale.support.domain.Change;
import market.resale.support.domain.ConversationEntry;
import market.resale.support.domain.Refusal;
import market.resale.support.domain.SupportCase;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The latest {@code quotable-messages} entries of each order's conversation, read from messaging's
 * {@code conversation-messages}, so that a quoted message is taken from what was really written: a party names the
 * message, support fills in its sender, text and time.
 */
final class QuotableMessages {

    private final ProcessorScope scope;
    private final int window;
    private final KeyValueStore<String, ConversationEntry> messages;
    private final KeyValueStore<String, String> messageSeqs;

    QuotableMessages(ProcessorScope scope, int window) {
        this.scope = scope;
        this.window = window;
        this.messages = scope.store(SupportTopology.MESSAGES_STORE);
        this.messageSeqs = scope.store(SupportTopology.MESSAGE_SEQ_STORE);
    }

    /**
     * Keeps a conversation entry, and lets go of the order's entries older than the latest
     * {@code quotable-messages} (one store entry per message: no record grows with the conversation).
     */
    void keep(Record<String, ?> record, ConversationMessage m) {
        if (!m.getOrderId().equals(record.key())) {
            scope.deadLetter(record, DeadLetters.INVALID, "record key " + record.key() + " differs from orderId " + m.getOrderId());
            return;
        }
        var orderId = m.getOrderId();
        messages.put(SupportTopology.messageKey(orderId, m.getMessageId()), new ConversationEntry(m.getMessageId(), orderId,
                m.getSeq(), m.getSenderId(), m.getSenderRole().name(), m.getKind().name(), m.getText(),
                m.getSentAt().toEpochMilli()));
        messageSeqs.put(SupportTopology.messageSeqKey(orderId, m.getSeq()), m.getMessageId());
        var oldest = m.getSeq() - window;
        if (oldest < 1) {
            return;
        }
        var gone = new ArrayList<KeyValue<String, String>>();
        // Normally exactly one entry (seq - window); a range also lets go of any left by a gap in the numbering.
        try (var it = messageSeqs.range(SupportTopology.messageSeqKey(orderId, 0), SupportTopology.messageSeqKey(orderId, oldest))) {
            it.forEachRemaining(gone::add);
        }
        for (var entry : gone) {
            messageSeqs.delete(entry.key);
            messages.delete(SupportTopology.messageKey(orderId, entry.value));
        }
    }

    /**
     * A party (or an agent) quotes a message of the order's conversation by its id: the quote is the
     * entry as messaging published it (sender, kind, time, whole text), never what the caller says it
     * was. An id support does not know for this order is refused ({@code unknown-message}).
     */
    Change quote(SupportCase kase, market.resale.support.domain.Actor actor, String messageId, long now, CaseLimits limits) {
        var entry = messages.get(SupportTopology.messageKey(kase.orderId(), messageId));
        if (entry == null) {
            return new Change.Refused(Refusal.UNKNOWN_MESSAGE, "No message " + messageId + " in the conversation of order "
                    + kase.orderId() + " (only its latest " + window + " entries can be quoted)");
        }
        return kase.addMessages(actor, List.of(entry.quote()), now, limits);
    }
}
