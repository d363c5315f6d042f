package market.resale.messaging.stream;

import java.time.Clock;
import java.util.ArrayList;
import market.resale.messaging.domain.InboxEntry;
import market.resale.messaging.domain.InboxSummary;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.Outbound;
import market.resale.schemas.messaging.InboxCommand;
import market.resale.schemas.messaging.Notification;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each user's inbox: stores every notification once (by id, so a redelivered cause adds
 * nothing), newest first, and applies read marks; forgets each {@code inbox-retention} after it was created. Emits only
 * dead letters.
 */
class InboxProcessor extends ServiceProcessor<InboxInput, Outbound> {

    private final Clock clock;
    private final market.resale.messaging.config.MessagingSettings settings;
    private market.resale.platform.kafka.DueIndex expiry;
    private KeyValueStore<String, InboxEntry> inbox;
    private KeyValueStore<String, String> index;
    private KeyValueStore<String, InboxSummary> summaries;

    InboxProcessor(String applicationId, CommittedCounters counters, Clock clock,
                   market.resale.messaging.config.MessagingSettings settings) {
        super(applicationId, counters);
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    protected void opened() {
        inbox = context.getStateStore(MessagingTopology.INBOX_STORE);
        index = context.getStateStore(MessagingTopology.INBOX_INDEX_STORE);
        summaries = context.getStateStore(MessagingTopology.INBOX_SUMMARIES_STORE);
        expiry = new market.resale.platform.kafka.DueIndex(context.getStateStore(MessagingTopology.INBOX_EXPIRY_STORE));
        var tick = settings.nonResponsive().checkInterval();
        context.schedule(tick, org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, this::forgetOld);
    }

    /** Wall-clock timer: notifications past {@code inbox-retention} leave the inbox, their index and their counts. */
    void forgetOld(long now) {
        for (var due : expiry.takeDue(now, settings.nonResponsive().checkBatch())) {
            var entry = inbox.get(due.key());
            if (entry == null) {
                continue;
            }
            inbox.delete(due.key());
            index.delete(MessagingTopology.inboxIndexKey(entry.userId(), entry.notificationId()));
            summaries.put(entry.userId(), summary(entry.userId()).expired(entry.unread()));
            counters.increment(context, "notifications_expired_total");
        }
    }

    @Override
    public void process(Record<String, InboxInput> record) {
        switch (record.value()) {
            case InboxInput.Delivered delivered -> deliver(record, delivered.notification());
            case InboxInput.Command command -> command(record, command.command());
        }
    }

    private void deliver(Record<String, InboxInput> record, Notification n) {
        if (!n.getUserId().equals(record.key()) || n.getNotificationId().isBlank()) {
            deadLetter(record, "a notification must be keyed by its user and have an id");
            return;
        }
        var indexKey = MessagingTopology.inboxIndexKey(n.getUserId(), n.getNotificationId());
        if (index.get(indexKey) != null) {
            return; // the same cause delivered again
        }
        var entry = new InboxEntry(n.getNotificationId(), n.getUserId(), n.getKind().name(), n.getOrderId(), n.getCaseId(),
                n.getTitle(), n.getBody(), n.getAmountCents(), n.getCurrency(), n.getCreatedAt().toEpochMilli(), null);
        var key = MessagingTopology.inboxKey(entry.userId(), entry.createdAt(), entry.notificationId());
        inbox.put(key, entry);
        index.put(indexKey, key);
        expiry.add(Math.max(entry.createdAt(), clock.millis()) + settings.inboxRetention().toMillis(), key);
        summaries.put(entry.userId(), summary(entry.userId()).delivered());
        counters.increment(context, "notifications_total", "kind", entry.kind());
    }

    private void command(Record<String, InboxInput> record, InboxCommand c) {
        if (!c.getUserId().equals(record.key())) {
            deadLetter(record, "an inbox command must be keyed by its user");
            return;
        }
        var now = clock.millis();
        switch (c.getAction()) {
            case MARK_READ -> {
                var key = c.getNotificationId() == null ? null
                        : index.get(MessagingTopology.inboxIndexKey(c.getUserId(), c.getNotificationId()));
                var entry = key == null ? null : inbox.get(key);
                if (entry != null && entry.unread()) {
                    inbox.put(key, entry.read(now));
                    summaries.put(c.getUserId(), summary(c.getUserId()).readOne());
                }
            }
            case MARK_ALL_READ -> {
                var unread = new ArrayList<org.apache.kafka.streams.KeyValue<String, InboxEntry>>();
                try (var it = inbox.prefixScan(MessagingTopology.inboxPrefix(c.getUserId()), Serdes.String().serializer())) {
                    it.forEachRemaining(kv -> {
                        if (kv.value.unread()) {
                            unread.add(kv);
                        }
                    });
                }
                unread.forEach(kv -> inbox.put(kv.key, kv.value.read(now)));
                summaries.put(c.getUserId(), summary(c.getUserId()).readAll(c.getCommandId(), c.getRequestedAt().toEpochMilli()));
            }
            default -> deadLetter(record, "unknown inbox action " + c.getAction());
        }
    }

    private InboxSummary summary(String userId) {
        var summary = summaries.get(userId);
        return summary == null ? InboxSummary.empty(userId) : summary;
    }

    private void deadLetter(Record<String, InboxInput> record, String detail) {
        deadLetter(record, DeadLetters.INVALID, detail);
    }
}
