package market.resale.messaging.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.CancellationRequest;
import market.resale.messaging.domain.CommandOutcome;
import market.resale.messaging.domain.Conversation;
import market.resale.messaging.domain.Decision;
import market.resale.messaging.domain.EntryKind;
import market.resale.messaging.domain.Ids;
import market.resale.messaging.domain.Message;
import market.resale.messaging.domain.Party;
import market.resale.messaging.domain.Refusal;
import market.resale.messaging.domain.RequestStatus;
import market.resale.messaging.domain.ResponsivenessRule;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.platform.kafka.SourceOffset;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.DueIndex;
import market.resale.platform.kafka.Outbound;
import market.resale.schemas.messaging.ConversationCommand;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.MessageRef;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.RejectionCode;
import market.resale.schemas.orders.WindowClosedCause;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Owns every order's conversation: numbers its entries, decides cancellation requests and their
 * answers, turns an approval into a cancel command for orders-service, settles requests on
 * orders-service's answer, notifies the parties, and tells when a seller is non-responsive. Every
 * output of one input commits in the same transaction as the state it changed.
 *
 * <p>The non-responsive timer keeps an index of check times ({@code <check time>|<orderId>},
 * zero-padded so it sorts by time) and on each tick reads only the entries that are due, so its cost
 * follows the number of episodes falling due, not the number of open conversations. It judges
 * due-ness by the injected {@link Clock}, not by the punctuation's timestamp, so that tests and
 * system tests can move time by 24 hours explicitly.
 *
 * <p>The answers to HTTP writes ({@code conversation-outcomes}) are kept for {@code outcome-retention}.
 * Each has an entry in an index of decision times ({@code <decided at>|<orderId>|<commandId>}), so the
 * purge reads only the answers that have expired, not the whole store.
 */
class ConversationProcessor extends ServiceProcessor<ConversationInput, Outbound> {

    static final String SYSTEM_SENDER = "system";
    /** How often expired answers are looked for; each look reads only expired index entries. */
    static final Duration OUTCOME_PURGE_INTERVAL = Duration.ofMinutes(1);

    private final MessagingSettings settings;
    private final ResponsivenessRule rule;
    private final Clock clock;
    private KeyValueStore<String, Conversation> conversations;
    private KeyValueStore<String, Message> messages;
    private KeyValueStore<String, CommandOutcome> outcomes;
    private DueIndex checks;
    /** The answers by decision time: one is forgotten once its decision time is {@code outcome-retention} past. */
    private DueIndex outcomeExpiry;

    ConversationProcessor(MessagingSettings settings, String applicationId, CommittedCounters counters, Clock clock) {
        super(applicationId, counters);
        this.settings = settings;
        this.rule = settings.nonResponsive().rule();
        this.clock = clock;
    }

    @Override
    protected void opened() {
        conversations = context.getStateStore(MessagingTopology.CONVERSATIONS_STORE);
        messages = context.getStateStore(MessagingTopology.MESSAGES_STORE);
        outcomes = context.getStateStore(MessagingTopology.OUTCOMES_STORE);
        checks = new DueIndex(context.getStateStore(MessagingTopology.SELLER_CHECKS_STORE));
        outcomeExpiry = new DueIndex(context.getStateStore(MessagingTopology.OUTCOME_EXPIRY_STORE));
        context.schedule(settings.nonResponsive().checkInterval(), PunctuationType.WALL_CLOCK_TIME,
                timestamp -> checkSellers(clock.millis(), timestamp));
        context.schedule(OUTCOME_PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, timestamp -> forgetOldOutcomes(clock.millis()));
    }

    @Override
    public void process(Record<String, ConversationInput> record) {
        switch (record.value()) {
            case ConversationInput.Placed placed -> place(record, placed);
            case ConversationInput.WindowClosed closed -> windowClosed(record, closed);
            case ConversationInput.Shipped shipped -> shipped(record, shipped);
            case ConversationInput.Cancelled cancelled -> cancelled(record, cancelled.event());
            case ConversationInput.Rejected rejected -> rejected(record, rejected.event());
            case ConversationInput.Command command -> command(record, command.command());
        }
    }

    private void place(Record<String, ConversationInput> record, ConversationInput.Placed placed) {
        var e = placed.event();
        if (!e.getOrderId().equals(record.key())) {
            deadLetter(record, DeadLetters.INVALID, "record key " + record.key() + " differs from orderId " + e.getOrderId());
            return;
        }
        var ids = market.resale.platform.Ids.orderProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        if (ids != null) {
            deadLetter(record, DeadLetters.INVALID, ids);
            return;
        }
        var conversation = load(record.key());
        if (conversation.known()) {
            return; // a redelivered placement changes nothing
        }
        save(conversation, conversation.placed(e.getBuyerId(), e.getSellerId()), clock.millis());
    }

    private void windowClosed(Record<String, ConversationInput> record, ConversationInput.WindowClosed closed) {
        var e = closed.event();
        var conversation = load(record.key());
        if (conversation.windowClosed()) {
            return; // the window closes once
        }
        save(conversation, conversation.windowClosedNow(e.getCause() == WindowClosedCause.EXPIRED), clock.millis());
        notify(record, Notices.windowClosed(e));
    }

    private void shipped(Record<String, ConversationInput> record, ConversationInput.Shipped shipped) {
        var conversation = load(record.key());
        if (!conversation.shipped() || conversation.trackingNumber() == null) {
            save(conversation, conversation.shippedWith(shipped.event().getTrackingNumber()), clock.millis());
        }
    }

    private void cancelled(Record<String, ConversationInput> record, OrderCancelled e) {
        var before = load(record.key());
        if (before.cancelled()) {
            return; // an order is cancelled once
        }
        var now = clock.millis();
        var viaRequest = e.getReference() != null && before.requests().containsKey(e.getReference());
        var detail = viaRequest
                ? "The seller approved the cancellation request; the order is cancelled and "
                        + Notices.money(e.getRefund().getTotalCents(), e.getRefund().getCurrency())
                        + " is refunded to the buyer as store credit."
                : "The order was cancelled by " + who(e.getActor()) + "; "
                        + Notices.money(e.getRefund().getTotalCents(), e.getRefund().getCurrency())
                        + " is refunded to the buyer as store credit.";
        var after = before.cancelledNow(detail, now);
        if (after.known()) {
            after = append(record, after, after.next(SYSTEM_SENDER, Party.SYSTEM, EntryKind.SYSTEM_NOTE, detail, null,
                    viaRequest ? e.getReference() : null, now));
        }
        if (viaRequest) {
            counters.increment(context, "cancellation_requests_settled_total", "outcome", RequestStatus.CANCELLED.name());
        }
        save(before, after, now);
        for (var recipient : distinct(e.getBuyerId(), e.getSellerId())) {
            notify(record, Notices.cancellationConfirmed(e, recipient));
        }
    }

    private void rejected(Record<String, ConversationInput> record, CancellationRejected e) {
        var before = load(record.key());
        var request = e.getReference() == null ? null : before.requests().get(e.getReference());
        if (request == null || !e.getCommandId().equals(request.cancelCommandId())) {
            // Not one of ours: whoever asked orders-service hears why.
            var recipients = e.getActor() == Actor.SELLER_APPROVED && before.known()
                    ? distinct(before.buyerId(), before.sellerId()) : distinct(e.getActorId());
            for (var recipient : recipients) {
                notify(record, Notices.cancellationRefused(e.getOrderId(), e.getCommandId(), recipient, e.getDetail(),
                        e.getTrackingNumber(), e.getRejectedAt()));
            }
            return;
        }
        if (request.status() != RequestStatus.APPROVED) {
            return; // settled already: a redelivery
        }
        var now = clock.millis();
        var after = before.with(request.refused(e.getCode().name(), e.getDetail(), e.getTrackingNumber(), now));
        if (e.getCode() == RejectionCode.ALREADY_SHIPPED) {
            after = after.shippedWith(e.getTrackingNumber());
        }
        var note = "The order could not be cancelled: " + e.getDetail()
                + (e.getTrackingNumber() == null || e.getDetail().contains(e.getTrackingNumber())
                ? "" : " (tracking number " + e.getTrackingNumber() + ")");
        after = append(record, after, after.next(SYSTEM_SENDER, Party.SYSTEM, EntryKind.SYSTEM_NOTE, note, null,
                request.requestId(), now));
        save(before, after, now);
        counters.increment(context, "cancellation_requests_settled_total", "outcome", RequestStatus.REFUSED.name());
        for (var recipient : distinct(before.buyerId(), before.sellerId())) {
            notify(record, Notices.cancellationRefused(e.getOrderId(), e.getCommandId(), recipient, e.getDetail(),
                    e.getTrackingNumber(), e.getRejectedAt()));
        }
    }

    private void command(Record<String, ConversationInput> record, ConversationCommand c) {
        var orderId = record.key();
        if (!c.getOrderId().equals(orderId)) {
            deadLetter(record, DeadLetters.INVALID, "record key " + orderId + " differs from orderId " + c.getOrderId());
            return;
        }
        if (outcomes.get(MessagingTopology.outcomeKey(orderId, c.getCommandId())) != null) {
            return; // decided already; the answer is in the store
        }
        var now = clock.millis();
        var conversation = conversations.get(orderId);
        if (conversation == null || !conversation.known()) {
            refuse(c, Refusal.UNKNOWN_ORDER, "No order " + orderId, null, null, now);
            deadLetter(record, DeadLetters.UNKNOWN_ORDER, "no order " + orderId);
            return;
        }
        switch (c.getAction()) {
            case POST_MESSAGE -> post(record, conversation, c, now);
            case REQUEST_CANCELLATION -> requestCancellation(record, conversation, c, now);
            case APPROVE_REQUEST -> answer(record, conversation, c, true, now);
            case DECLINE_REQUEST -> answer(record, conversation, c, false, now);
            default -> {
                refuse(c, Refusal.INVALID, "Unknown action " + c.getAction(), null, null, now);
                deadLetter(record, DeadLetters.INVALID, "unknown action " + c.getAction());
            }
        }
    }

    private void post(Record<String, ConversationInput> record, Conversation before, ConversationCommand c, long now) {
        var party = before.partyOf(c.getActorId());
        if (party == null) {
            refuse(c, Refusal.NOT_A_PARTY, "Not a party to this order", null, null, now);
            deadLetter(record, DeadLetters.INVALID, c.getActorId() + " is not a party to the order");
            return;
        }
        if (c.getText() == null || c.getText().isBlank() || c.getText().length() > settings.maxMessageLength()) {
            refuse(c, Refusal.INVALID, "A message has 1-" + settings.maxMessageLength() + " characters", null, null, now);
            deadLetter(record, DeadLetters.INVALID, "message text empty or too long");
            return;
        }
        if (before.mayAddEntry(settings.maxEntriesPerOrder()) instanceof Decision.Refused full) {
            refuse(c, full.refusal(), full.detail(), null, null, now);
            return;
        }
        var message = before.next(c.getActorId(), party, EntryKind.MESSAGE, c.getText(), null, null, now);
        var after = append(record, before, message);
        save(before, after, now);
        decided(c, CommandOutcome.accepted(c.getCommandId(), message, null, now));
        notify(record, Notices.newMessage(message, party == Party.BUYER ? before.sellerId() : before.buyerId()));
    }

    private void requestCancellation(Record<String, ConversationInput> record, Conversation before, ConversationCommand c,
                                     long now) {
        if (c.getReason() == null || c.getText() != null && c.getText().length() > settings.maxNoteLength()) {
            refuse(c, Refusal.INVALID, "A request needs a reason and a note of at most " + settings.maxNoteLength()
                    + " characters", null, null, now);
            deadLetter(record, DeadLetters.INVALID, "request without reason or with a note too long");
            return;
        }
        var decision = before.mayRequestCancellation(c.getActorId(), settings.maxRequestsPerOrder());
        if (decision instanceof Decision.Accepted && before.mayAddEntry(settings.maxEntriesPerOrder()) instanceof Decision.Refused full) {
            decision = full;
        }
        switch (decision) {
            case Decision.Refused refused -> {
                var open = before.openRequest().map(CancellationRequest::requestId).orElse(null);
                refuse(c, refused.refusal(), refused.detail(), refused.refusal() == Refusal.REQUEST_PENDING ? open : null,
                        refused.refusal() == Refusal.ALREADY_SHIPPED ? before.trackingNumber() : null, now);
                counters.increment(context, "cancellation_requests_total", "outcome", refused.refusal().name());
            }
            case Decision.Accepted accepted -> {
                var requestId = Ids.requestId(c.getOrderId(), c.getCommandId());
                var request = CancellationRequest.pending(requestId, before.orderId(), c.getActorId(), c.getReason().name(),
                        c.getText(), now);
                var entry = before.next(c.getActorId(), Party.BUYER, EntryKind.CANCELLATION_REQUEST,
                        c.getText() == null ? "" : c.getText(), request.reason(), requestId, now);
                var after = append(record, before.with(request), entry);
                save(before, after, now);
                decided(c, CommandOutcome.accepted(c.getCommandId(), entry, requestId, now));
                notify(record, Notices.requestReceived(request, before.sellerId(), now));
                counters.increment(context, "cancellation_requests_total", "outcome", "ACCEPTED");
            }
            case Decision.Repeated repeated -> throw new IllegalStateException("a new request is never a repeat");
        }
    }

    private void answer(Record<String, ConversationInput> record, Conversation before, ConversationCommand c, boolean approve,
                        long now) {
        var requestId = c.getRequestId();
        if (c.getText() != null && c.getText().length() > settings.maxNoteLength()) {
            refuse(c, Refusal.INVALID, "A note has at most " + settings.maxNoteLength() + " characters", requestId, null, now);
            deadLetter(record, DeadLetters.INVALID, "note too long");
            return;
        }
        switch (before.mayAnswer(c.getActorId(), requestId, approve)) {
            case Decision.Refused refused -> refuse(c, refused.refusal(), refused.detail(), requestId, null, now);
            case Decision.Repeated repeated -> decided(c, CommandOutcome.accepted(c.getCommandId(), null, requestId, now));
            case Decision.Accepted accepted -> {
                var request = before.requests().get(requestId);
                Message entry;
                Conversation after;
                if (approve) {
                    var cancelCommandId = Ids.cancelCommandId(requestId);
                    var approved = request.approved(cancelCommandId, now);
                    entry = before.next(c.getActorId(), Party.SELLER, EntryKind.REQUEST_APPROVED,
                            c.getText() == null || c.getText().isBlank() ? "The seller approved the cancellation request." : c.getText(),
                            request.reason(), requestId, now);
                    after = append(record, before.with(approved), entry);
                    emit(record, before.orderId(), Outbound.to(Topics.CANCEL_COMMANDS, CancelOrderCommand.newBuilder()
                            .setCommandId(cancelCommandId).setOrderId(before.orderId())
                            .setActor(Actor.SELLER_APPROVED).setActorId(before.sellerId())
                            .setReason(CancelReason.valueOf(request.reason())).setNote(request.note())
                            .setRequestedAt(Instant.ofEpochMilli(now)).setReference(requestId)
                            .build()));
                    notify(record, Notices.requestApproved(approved, before.buyerId(), now));
                } else {
                    var declined = request.declined(c.getText(), now);
                    entry = before.next(c.getActorId(), Party.SELLER, EntryKind.REQUEST_DECLINED,
                            c.getText() == null || c.getText().isBlank() ? "The seller declined the cancellation request." : c.getText(),
                            request.reason(), requestId, now);
                    after = append(record, before.with(declined), entry);
                    notify(record, Notices.requestDeclined(declined, before.buyerId(), c.getText(), now));
                }
                save(before, after, now);
                decided(c, CommandOutcome.accepted(c.getCommandId(), entry, requestId, now));
                counters.increment(context, "cancellation_request_answers_total", "answer", approve ? "APPROVED" : "DECLINED");
            }
        }
    }

    /**
     * Wall-clock timer: publishes the episodes that have become due, oldest first, at most a batch per
     * tick. Due-ness is judged on the business clock ({@code now}); the records it writes carry the
     * stream's wall-clock time ({@code recordTime}), since the broker refuses timestamps far ahead of its own.
     */
    void checkSellers(long now, long recordTime) {
        for (var due : checks.takeDue(now, settings.nonResponsive().checkBatch())) {
            var orderId = due.key();
            var conversation = conversations.get(orderId);
            var episode = conversation == null ? null : conversation.episode();
            if (episode == null || episode.checkAt() == null || episode.checkAt() != due.at()) {
                continue; // answered, cancelled or rescheduled since
            }
            if (!rule.nonResponsive(conversation, now)) {
                conversations.put(orderId, conversation.withEpisode(episode.checkingAt(null)));
                continue;
            }
            conversations.put(orderId, conversation.withEpisode(episode.asReported()));
            var unanswered = conversation.unanswered().stream().limit(settings.nonResponsive().quoted()).map(m -> MessageRef.newBuilder()
                    .setMessageId(m.messageId()).setSenderId(m.senderId()).setKind(MessageKind.valueOf(m.kind().name()))
                    .setText(m.text()).setSentAt(Instant.ofEpochMilli(m.sentAt())).build()).toList();
            context.forward(new Record<>(orderId, Outbound.to(Topics.SELLER_NON_RESPONSIVE, SellerNonResponsive.newBuilder()
                    .setOrderId(orderId).setBuyerId(conversation.buyerId()).setSellerId(conversation.sellerId())
                    .setEpisodeId(episode.episodeId()).setUnanswered(unanswered)
                    .setFirstUnansweredAt(Instant.ofEpochMilli(episode.firstUnansweredAt()))
                    .setDetectedAt(Instant.ofEpochMilli(now))
                    .build()), recordTime));
            counters.increment(context, "seller_non_responsive_total");
        }
    }

    /** Numbers, stores and publishes an entry; a seller entry ends the episode and records how long the seller took. */
    private Conversation append(Record<String, ?> record, Conversation conversation, Message message) {
        messages.put(MessagingTopology.messageKey(message.orderId(), message.seq()), message);
        emit(record, message.orderId(), Outbound.to(Topics.CONVERSATION_MESSAGES, ConversationMessage.newBuilder()
                .setMessageId(message.messageId()).setOrderId(message.orderId()).setSeq(message.seq())
                .setSenderId(message.senderId()).setSenderRole(ParticipantRole.valueOf(message.senderRole().name()))
                .setKind(MessageKind.valueOf(message.kind().name())).setText(message.text())
                .setReason(message.reason() == null ? null : CancelReason.valueOf(message.reason()))
                .setRequestId(message.requestId()).setSentAt(Instant.ofEpochMilli(message.sentAt()))
                .build()));
        counters.increment(context, "messages_total", "kind", message.kind().name());
        if (message.senderRole() == Party.SELLER && conversation.episode() != null) {
            meters.timer("seller_response_seconds")
                    .record(Duration.ofMillis(Math.max(0, message.sentAt() - conversation.episode().firstUnansweredAt())));
        }
        return conversation.appended(message, settings.nonResponsive().quoted());
    }

    /** Stores the conversation and moves its entry in the check index to where the rule now wants it. */
    private void save(Conversation before, Conversation after, long now) {
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

    private Conversation load(String orderId) {
        var conversation = conversations.get(orderId);
        return conversation == null ? Conversation.start(orderId) : conversation;
    }

    private void refuse(ConversationCommand c, Refusal refusal, String detail, String requestId, String trackingNumber, long now) {
        decided(c, CommandOutcome.refused(c.getCommandId(), refusal, detail, requestId, trackingNumber, now));
    }

    /**
     * Records the answer to {@code c}, marked with the request it answers (so the same Idempotency-Key
     * sent with another request is not answered with it), and indexes it by time for the purge.
     */
    private void decided(ConversationCommand c, CommandOutcome outcome) {
        var key = MessagingTopology.outcomeKey(c.getOrderId(), c.getCommandId());
        outcomes.put(key, outcome.forRequest(c.getAction().name(), fingerprint(c), SourceOffset.of(context)));
        outcomeExpiry.add(outcome.decidedAt(), key);
    }

    static String fingerprint(ConversationCommand c) {
        return CommandOutcome.fingerprint(c.getAction().name(), c.getRequestId(), c.getText(),
                c.getReason() == null ? null : c.getReason().name());
    }

    /**
     * Forgets the answers decided more than {@code outcome-retention} ago (on the business clock), at
     * most a batch per tick: it reads the index of decision times up to the horizon, never the store.
     */
    void forgetOldOutcomes(long now) {
        var horizon = now - settings.outcomeRetention().toMillis();
        if (horizon <= 0) {
            return;
        }
        for (var due : outcomeExpiry.takeDue(horizon, settings.nonResponsive().checkBatch())) {
            outcomes.delete(due.key());
        }
    }

    private void notify(Record<String, ?> record, Notification notification) {
        emit(record, notification.getUserId(), Outbound.to(Topics.NOTIFICATIONS, notification));
    }

    private void emit(Record<String, ?> record, String key, Outbound outbound) {
        context.forward(new Record<>(key, outbound, record.timestamp(), record.headers()));
    }


    private static String who(Actor actor) {
        return switch (actor) {
            case BUYER -> "the buyer";
            case SELLER, SELLER_APPROVED -> "the seller";
            case SUPPORT -> "support";
        };
    }

    private static List<String> distinct(String... userIds) {
        var list = new ArrayList<String>();
        for (var id : userIds) {
            if (id != null && !id.isBlank() && !list.contains(id)) {
                list.add(id);
            }
        }
        return list;
    }
}
