package market.resale.messaging.stream;

import java.time.Clock;
import java.time.Instant;
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
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.ExpiringStore;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.messaging.ConversationCommand;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.topics.DeadLetterHeaders;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What buyers and sellers write through the API ({@code messaging.conversation-commands}): a message, a buyer's
 * cancellation request, the seller's approval (a SELLER_APPROVED cancel command for orders-service) or decline.
 *
 * <p>The answers ({@code conversation-outcomes}) are kept for {@code outcome-retention}, each marked with the request
 * it answers. Each has an entry in an index of decision times ({@code <decided at>|<orderId>|<commandId>}), so the
 * purge reads only the answers that have expired, not the whole store.
 */
final class ConversationCommands {

    private final ProcessorScope scope;
    private final ConversationBook book;
    private final MessagingSettings settings;
    private final Clock clock;
    /** The answers by decision time: one is forgotten once its decision time is {@code outcome-retention} past. */
    private final ExpiringStore<CommandOutcome> outcomes;

    ConversationCommands(ProcessorScope scope, ConversationBook book, MessagingSettings settings, Clock clock) {
        this.scope = scope;
        this.book = book;
        this.settings = settings;
        this.clock = clock;
        this.outcomes = new ExpiringStore<>(scope.store(MessagingTopology.OUTCOMES_STORE),
                scope.store(MessagingTopology.OUTCOME_EXPIRY_STORE));
    }

    void command(Record<String, ?> record, ConversationCommand c) {
        var orderId = record.key();
        if (!c.getOrderId().equals(orderId)) {
            scope.deadLetter(record, DeadLetters.INVALID, "record key " + orderId + " differs from orderId " + c.getOrderId());
            return;
        }
        if (outcomes.get(MessagingTopology.outcomeKey(orderId, c.getCommandId())) != null) {
            return; // decided already; the answer is in the store
        }
        var now = clock.millis();
        var conversation = book.stored(orderId);
        if (conversation == null || !conversation.known()) {
            refuse(c, Refusal.UNKNOWN_ORDER, "No order " + orderId, null, null, now);
            scope.deadLetter(record, DeadLetterHeaders.UNKNOWN_ORDER, "no order " + orderId);
            return;
        }
        switch (c.getAction()) {
            case POST_MESSAGE -> post(record, conversation, c, now);
            case REQUEST_CANCELLATION -> requestCancellation(record, conversation, c, now);
            case APPROVE_REQUEST -> answer(record, conversation, c, true, now);
            case DECLINE_REQUEST -> answer(record, conversation, c, false, now);
            default -> {
                refuse(c, Refusal.INVALID, "Unknown action " + c.getAction(), null, null, now);
                scope.deadLetter(record, DeadLetters.INVALID, "unknown action " + c.getAction());
            }
        }
    }

    private void post(Record<String, ?> record, Conversation before, ConversationCommand c, long now) {
        var party = before.partyOf(c.getActorId());
        if (party == null) {
            refuse(c, Refusal.NOT_A_PARTY, "Not a party to this order", null, null, now);
            scope.deadLetter(record, DeadLetters.INVALID, c.getActorId() + " is not a party to the order");
            return;
        }
        if (c.getText() == null || c.getText().isBlank() || c.getText().length() > settings.maxMessageLength()) {
            refuse(c, Refusal.INVALID, "A message has 1-" + settings.maxMessageLength() + " characters", null, null, now);
            scope.deadLetter(record, DeadLetters.INVALID, "message text empty or too long");
            return;
        }
        if (before.mayAddEntry(settings.maxEntriesPerOrder()) instanceof Decision.Refused full) {
            refuse(c, full.refusal(), full.detail(), null, null, now);
            return;
        }
        var message = before.next(c.getActorId(), party, EntryKind.MESSAGE, c.getText(), null, null, now);
        var after = book.append(record, before, message);
        book.save(before, after, now);
        decided(c, CommandOutcome.accepted(c.getCommandId(), message, null, now));
        book.notify(record, Notices.newMessage(message, party == Party.BUYER ? before.sellerId() : before.buyerId()));
    }

    private void requestCancellation(Record<String, ?> record, Conversation before, ConversationCommand c, long now) {
        if (c.getReason() == null || c.getText() != null && c.getText().length() > settings.maxNoteLength()) {
            refuse(c, Refusal.INVALID, "A request needs a reason and a note of at most " + settings.maxNoteLength()
                    + " characters", null, null, now);
            scope.deadLetter(record, DeadLetters.INVALID, "request without reason or with a note too long");
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
                scope.count("cancellation_requests_total", "outcome", refused.refusal().name());
            }
            case Decision.Accepted accepted -> {
                var requestId = Ids.requestId(c.getOrderId(), c.getCommandId());
                var request = CancellationRequest.pending(requestId, before.orderId(), c.getActorId(), c.getReason().name(),
                        c.getText(), now);
                var entry = before.next(c.getActorId(), Party.BUYER, EntryKind.CANCELLATION_REQUEST,
                        c.getText() == null ? "" : c.getText(), request.reason(), requestId, now);
                var after = book.append(record, before.with(request), entry);
                book.save(before, after, now);
                decided(c, CommandOutcome.accepted(c.getCommandId(), entry, requestId, now));
                book.notify(record, Notices.requestReceived(request, before.sellerId(), now));
                scope.count("cancellation_requests_total", "outcome", "ACCEPTED");
            }
            case Decision.Repeated repeated -> throw new IllegalStateException("a new request is never a repeat");
        }
    }

    private void answer(Record<String, ?> record, Conversation before, ConversationCommand c, boolean approve, long now) {
        var requestId = c.getRequestId();
        if (c.getText() != null && c.getText().length() > settings.maxNoteLength()) {
            refuse(c, Refusal.INVALID, "A note has at most " + settings.maxNoteLength() + " characters", requestId, null, now);
            scope.deadLetter(record, DeadLetters.INVALID, "note too long");
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
                    after = book.append(record, before.with(approved), entry);
                    scope.emit(record, before.orderId(), Outbound.to(Topics.CANCEL_COMMANDS, CancelOrderCommand.newBuilder()
                            .setCommandId(cancelCommandId).setOrderId(before.orderId())
                            .setActor(Actor.SELLER_APPROVED).setActorId(before.sellerId())
                            .setReason(MessageRecords.reason(request.reason())).setNote(request.note())
                            .setRequestedAt(Instant.ofEpochMilli(now)).setReference(requestId)
                            .build()));
                    book.notify(record, Notices.requestApproved(approved, before.buyerId(), now));
                } else {
                    var declined = request.declined(c.getText(), now);
                    entry = before.next(c.getActorId(), Party.SELLER, EntryKind.REQUEST_DECLINED,
                            c.getText() == null || c.getText().isBlank() ? "The seller declined the cancellation request." : c.getText(),
                            request.reason(), requestId, now);
                    after = book.append(record, before.with(declined), entry);
                    book.notify(record, Notices.requestDeclined(declined, before.buyerId(), c.getText(), now));
                }
                book.save(before, after, now);
                decided(c, CommandOutcome.accepted(c.getCommandId(), entry, requestId, now));
                scope.count("cancellation_request_answers_total", "answer", approve ? "APPROVED" : "DECLINED");
            }
        }
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
        outcomes.put(key, outcome.forRequest(c.getAction().name(), fingerprint(c), scope.source()), outcome.decidedAt());
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
        outcomes.forgetDue(horizon, settings.nonResponsive().checkBatch());
    }
}
