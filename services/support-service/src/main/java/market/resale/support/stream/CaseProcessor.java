package market.resale.support.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.DueIndex;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.SourceOffset;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.support.CaseCommand;
import market.resale.schemas.support.CaseFile;
import market.resale.schemas.topics.Topics;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.ActorRole;
import market.resale.support.domain.AuditEntry;
import market.resale.support.domain.CaseAction;
import market.resale.support.domain.CaseLimits;
import market.resale.support.domain.CaseSource;
import market.resale.support.domain.CaseType;
import market.resale.support.domain.Change;
import market.resale.support.domain.CommandOutcome;
import market.resale.support.domain.ConversationEntry;
import market.resale.support.domain.FileCheck;
import market.resale.support.domain.FileInfo;
import market.resale.support.domain.MessageQuote;
import market.resale.support.domain.OrderCases;
import market.resale.support.domain.Refusal;
import market.resale.support.domain.Resolution;
import market.resale.support.domain.SupportCase;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every case of the orders in its partitions. Each input is applied to the order's cases in
 * one transaction with what it emits: a {@code CaseEvent} per audit entry, the case's new summary
 * (keyed by case id, for the global table), and, when an agent orders a cancellation, the SUPPORT
 * {@code CancelOrderCommand} for orders-service.
 *
 * <p>It also keeps the latest {@code quotable-messages} entries of each order's conversation, read
 * from messaging's {@code conversation-messages}, so that a quoted message is taken from what was
 * really written: a party names the message, support fills in its sender, text and time.
 */
class CaseProcessor extends ServiceProcessor<CaseInput, Outbound> {

    private static final Logger log = LoggerFactory.getLogger(CaseProcessor.class);

    private final SupportSettings settings;
    private final FileCheck fileCheck;
    private final CaseLimits limits;
    private KeyValueStore<String, OrderCases> orders;
    private KeyValueStore<String, SupportCase> cases;
    private KeyValueStore<String, byte[]> files;
    private static final int OUTCOME_PURGE_BATCH = 10_000;
    private KeyValueStore<String, CommandOutcome> outcomes;
    private DueIndex outcomeExpiry;
    private DueIndex fileExpiry;
    private KeyValueStore<String, ConversationEntry> messages;
    private KeyValueStore<String, String> messageSeqs;

    CaseProcessor(SupportSettings settings, String applicationId, CommittedCounters counters) {
        super(applicationId, counters);
        this.settings = settings;
        this.fileCheck = settings.fileCheck();
        this.limits = settings.limits();
    }

    @Override
    protected void opened() {
        orders = context.getStateStore(SupportTopology.ORDER_CASES_STORE);
        cases = context.getStateStore(SupportTopology.CASES_STORE);
        files = context.getStateStore(SupportTopology.FILES_STORE);
        outcomes = context.getStateStore(SupportTopology.OUTCOMES_STORE);
        outcomeExpiry = new DueIndex(context.getStateStore(SupportTopology.OUTCOME_EXPIRY_STORE));
        fileExpiry = new DueIndex(context.getStateStore(SupportTopology.FILE_EXPIRY_STORE));
        messages = context.getStateStore(SupportTopology.MESSAGES_STORE);
        messageSeqs = context.getStateStore(SupportTopology.MESSAGE_SEQ_STORE);
        context.schedule(Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, this::forgetOldOutcomes);
    }

    @Override
    public void process(Record<String, CaseInput> record) {
        switch (record.value()) {
            case CaseInput.Placed placed -> placed(record, placed);
            case CaseInput.NonResponsive nonResponsive -> nonResponsive(record, nonResponsive.event());
            case CaseInput.Conflict conflict -> conflict(record, conflict.event());
            case CaseInput.Cancelled cancelled -> cancelled(record, cancelled.event());
            case CaseInput.CancelRefused refused -> cancelRefused(record, refused.event());
            case CaseInput.Command command -> command(record, command.command());
            case CaseInput.Message message -> message(record, message.message());
        }
    }

    /**
     * Keeps a conversation entry, and lets go of the order's entries older than the latest
     * {@code quotable-messages} (one store entry per message: no record grows with the conversation).
     */
    private void message(Record<String, CaseInput> record, ConversationMessage m) {
        if (!m.getOrderId().equals(record.key())) {
            deadLetter(record, DeadLetters.INVALID,
                    "record key " + record.key() + " differs from orderId " + m.getOrderId());
            return;
        }
        var orderId = m.getOrderId();
        messages.put(SupportTopology.messageKey(orderId, m.getMessageId()), new ConversationEntry(m.getMessageId(), orderId,
                m.getSeq(), m.getSenderId(), m.getSenderRole().name(), m.getKind().name(), m.getText(),
                m.getSentAt().toEpochMilli()));
        messageSeqs.put(SupportTopology.messageSeqKey(orderId, m.getSeq()), m.getMessageId());
        var oldest = m.getSeq() - settings.quotableMessages();
        if (oldest < 1) {
            return;
        }
        var gone = new java.util.ArrayList<org.apache.kafka.streams.KeyValue<String, String>>();
        // Normally exactly one entry (seq - window); a range also lets go of any left by a gap in the numbering.
        try (var it = messageSeqs.range(SupportTopology.messageSeqKey(orderId, 0), SupportTopology.messageSeqKey(orderId, oldest))) {
            it.forEachRemaining(gone::add);
        }
        for (var entry : gone) {
            messageSeqs.delete(entry.key);
            messages.delete(SupportTopology.messageKey(orderId, entry.value));
        }
    }

    private void placed(Record<String, CaseInput> record, CaseInput.Placed placed) {
        var e = placed.event();
        var problem = !e.getOrderId().equals(record.key()) ? "record key " + record.key() + " differs from orderId " + e.getOrderId()
                : partiesProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        if (problem != null) {
            deadLetter(record, DeadLetters.INVALID, problem);
            return;
        }
        var order = order(e.getOrderId());
        if (!order.placed()) {
            orders.put(e.getOrderId(), order.withParties(e.getBuyerId(), e.getSellerId(), true));
        }
    }

    /** Rule 4 / guide §7.1: opened by the service itself, with the unanswered messages as evidence. */
    private void nonResponsive(Record<String, CaseInput> record, SellerNonResponsive e) {
        var problem = !e.getOrderId().equals(record.key()) ? "record key " + record.key() + " differs from orderId " + e.getOrderId()
                : e.getUnanswered().isEmpty() ? "no unanswered messages"
                : partiesProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        var order = problem == null ? order(e.getOrderId()).withParties(e.getBuyerId(), e.getSellerId(), false) : null;
        if (problem == null && !(order.buyerId().equals(e.getBuyerId()) && order.sellerId().equals(e.getSellerId()))) {
            problem = "the parties differ from those of order " + e.getOrderId();
        }
        if (problem != null) {
            deadLetter(record, DeadLetters.INVALID, problem);
            return;
        }
        var quotes = e.getUnanswered().stream().map(m -> new MessageQuote(m.getMessageId(), m.getSenderId(),
                m.getKind().name(), m.getSentAt().toEpochMilli(), m.getText())).toList();
        var signal = "episode:" + e.getEpisodeId();
        var now = now();
        var openId = order.openCase(CaseType.NON_RESPONSIVE_SELLER);
        if (openId != null) {
            var before = cases.get(openId);
            apply(record, order.withSignal(signal), before, before.addMessages(system(), quotes, now, limits));
        } else if (!order.seen(signal)) {
            var description = "The seller left " + quotes.size() + " buyer message(s) unanswered since "
                    + e.getFirstUnansweredAt() + " (episode " + e.getEpisodeId() + ")";
            var opened = openCase(order.withSignal(signal), CaseType.NON_RESPONSIVE_SELLER, system(), CaseSource.MESSAGING,
                    description, now);
            apply(record, opened.order(), null, opened.kase().addMessages(system(), quotes, now, limits));
        }
    }

    /** Rule 8 / guide §7.2: a scan after the cancellation opens a dispute (the parcel must go back). */
    private void conflict(Record<String, CaseInput> record, ScanConflict e) {
        if (!e.getOrderId().equals(record.key())) {
            deadLetter(record, DeadLetters.INVALID,
                    "record key " + record.key() + " differs from orderId " + e.getOrderId());
            return;
        }
        var order = orders.get(e.getOrderId());
        if (order == null || !order.hasParties()) {
            deadLetter(record, DeadLetters.UNKNOWN_ORDER, "no order " + e.getOrderId());
            return;
        }
        var signal = "scan:" + e.getScanId();
        if (order.seen(signal)) {
            return;
        }
        var text = "Carrier scan " + e.getScanType() + " of " + e.getTrackingNumber() + " (" + e.getCarrier() + ") at "
                + e.getScannedAt() + " after the order was cancelled at " + e.getCancelledAt()
                + ": the parcel must go back; the buyer keeps the credit";
        var now = now();
        var openId = order.openCase(CaseType.DISPUTE);
        if (openId != null) {
            var before = cases.get(openId);
            apply(record, order.withSignal(signal), before, before.addStatement(system(), text, now, limits));
        } else {
            var opened = openCase(order.withSignal(signal), CaseType.DISPUTE, system(), CaseSource.SHIPPING, text, now);
            apply(record, opened.order(), null, new Change.Applied(opened.kase()));
        }
    }

    private void cancelled(Record<String, CaseInput> record, OrderCancelled e) {
        var kase = referencedCase(record, e.getActor(), e.getReference());
        if (kase != null) {
            apply(record, order(kase.orderId()), kase, kase.cancellationCarriedOut(now()));
        }
    }

    private void cancelRefused(Record<String, CaseInput> record, CancellationRejected e) {
        var kase = referencedCase(record, e.getActor(), e.getReference());
        if (kase != null) {
            apply(record, order(kase.orderId()), kase,
                    kase.cancellationRefused(e.getCommandId(), e.getCode().name(), e.getDetail(), now()));
        }
    }

    /** Only cancellations support ordered name a case; others (buyers, sellers, approved requests) are not ours. */
    private SupportCase referencedCase(Record<String, CaseInput> record, Actor actor, String reference) {
        if (actor != Actor.SUPPORT || reference == null) {
            return null;
        }
        var kase = cases.get(reference);
        if (kase == null || !kase.orderId().equals(record.key())) {
            deadLetter(record, DeadLetters.INVALID, "no case " + reference + " of order " + record.key());
            return null;
        }
        return kase;
    }

    private void command(Record<String, CaseInput> record, CaseCommand c) {
        var outcomeKey = SupportTopology.outcomeKey(record.key(), c.getCommandId());
        if (outcomes.get(outcomeKey) != null) {
            return; // decided already: a redelivered command changes nothing
        }
        var now = now();
        var invalid = invalidCommand(record.key(), c);
        if (invalid != null) {
            refuse(outcomeKey, c, Refusal.INVALID_COMMAND, invalid, now);
            deadLetter(record, DeadLetters.INVALID, invalid);
            return;
        }
        var actor = new market.resale.support.domain.Actor(c.getActorId(), CaseRecords.role(c.getActorRole()));
        if (c.getAction() == market.resale.schemas.support.CaseCommandAction.OPEN) {
            open(record, outcomeKey, c, actor, now);
            return;
        }
        var kase = cases.get(c.getCaseId());
        if (kase == null || !kase.orderId().equals(record.key())
                || (actor.role().isParty() && !kase.isParty(actor.id(), actor.role()))) {
            refuse(outcomeKey, c, Refusal.UNKNOWN_CASE, "Case " + c.getCaseId() + " not found", now);
            return;
        }
        Change change = switch (c.getAction()) {
            case ADD_STATEMENT -> kase.addStatement(actor, c.getText(), now, limits);
            case ADD_MESSAGE -> quote(kase, actor, c.getMessageId(), now);
            case ADD_FILE -> switch (fileCheck.check(c.getFile().getContentType(), bytes(c.getFile()))) {
                    case FileCheck.Refused refused -> new Change.Refused(refused.refusal(), refused.detail());
                    case FileCheck.Accepted ok -> kase.addFile(actor, new FileInfo(blankToNull(c.getFile().getName()),
                            ok.contentType(), ok.size(), ok.sha256()), now, limits);
            };
            case ASSIGN -> kase.assign(actor, c.getAgentId(), now);
            case START_REVIEW -> kase.startReview(actor, now);
            case START_MEDIATION -> kase.startMediation(actor, now);
            case RESOLVE -> kase.resolve(actor, Resolution.valueOf(c.getResolution().name()), c.getText(),
                    cancelReason(kase.type(), c.getCancelReason()).name(), now);
            case OPEN, OTHER -> throw new IllegalStateException("handled above");
        };
        if (change instanceof Change.Refused refused) {
            refuse(outcomeKey, c, refused.refusal(), refused.detail(), now);
            return;
        }
        var after = apply(record, order(record.key()), kase, change);
        var evidenceId = evidenceOf(c, kase, after);
        if (c.getAction() == market.resale.schemas.support.CaseCommandAction.ADD_FILE && after != kase) {
            files.put(SupportTopology.fileKey(after.caseId(), evidenceId), bytes(c.getFile()));
        }
        decided(outcomeKey, c, CommandOutcome.done(c.getCommandId(), record.key(), kase.caseId(), after != kase, evidenceId, now));
    }

    /**
     * A party (or an agent) quotes a message of the order's conversation by its id: the quote is the
     * entry as messaging published it (sender, kind, time, whole text), never what the caller says it
     * was. An id support does not know for this order is refused ({@code unknown-message}).
     */
    private Change quote(SupportCase kase, market.resale.support.domain.Actor actor, String messageId, long now) {
        var entry = messages.get(SupportTopology.messageKey(kase.orderId(), messageId));
        if (entry == null) {
            return new Change.Refused(Refusal.UNKNOWN_MESSAGE, "No message " + messageId + " in the conversation of order "
                    + kase.orderId() + " (only its latest " + settings.quotableMessages() + " entries can be quoted)");
        }
        return kase.addMessages(actor, List.of(entry.quote()), now, limits);
    }

    /**
     * One open case per order and type: a request for a type that has an open case adds its
     * description to that case as the caller's statement instead of opening another.
     */
    private void open(Record<String, CaseInput> record, String outcomeKey, CaseCommand c,
                      market.resale.support.domain.Actor actor, long now) {
        var order = orders.get(record.key());
        var type = CaseType.valueOf(c.getCaseType().name());
        if (!actor.role().isParty()) {
            refuse(outcomeKey, c, Refusal.NOT_ALLOWED, "Cases are opened by the order's buyer or seller", now);
            return;
        }
        if (order == null || !order.hasParties() || !order.isParty(actor.id(), actor.role())) {
            refuse(outcomeKey, c, Refusal.UNKNOWN_ORDER, "Order " + record.key() + " not found", now);
            return;
        }
        if (!type.openableBy(actor.role())) {
            refuse(outcomeKey, c, Refusal.CASE_TYPE_NOT_ALLOWED, "A " + actor.role().name().toLowerCase()
                    + " cannot open a " + type + " case", now);
            return;
        }
        var openId = order.openCase(type);
        if (openId != null) {
            var before = cases.get(openId);
            var change = before.addStatement(actor, c.getText(), now, limits);
            if (change instanceof Change.Refused refused) {
                refuse(outcomeKey, c, refused.refusal(), refused.detail(), now);
                return;
            }
            var after = apply(record, order, before, change);
            decided(outcomeKey, c, CommandOutcome.done(c.getCommandId(), record.key(), openId, false,
                    after.evidence().getLast().evidenceId(), now));
            return;
        }
        var opened = openCase(order, type, actor, CaseSource.HELP_CENTER, c.getText(), now);
        apply(record, opened.order(), null, new Change.Applied(opened.kase()));
        decided(outcomeKey, c, CommandOutcome.done(c.getCommandId(), record.key(), opened.kase().caseId(), true, null, now));
    }

    private record Opened(OrderCases order, SupportCase kase) {
    }

    private Opened openCase(OrderCases order, CaseType type, market.resale.support.domain.Actor actor, CaseSource source,
                            String description, long now) {
        var caseId = order.nextCaseId(type);
        var kase = SupportCase.open(caseId, order.orderId(), type, order.buyerId(), order.sellerId(), actor, source,
                description, now);
        counters.increment(context, "cases_opened_total", "type", type.name(), "source", source.name());
        return new Opened(order.opened(type, caseId), kase);
    }

    /**
     * Stores the change and emits what it means: an event per new audit entry, the new summary,
     * and the cancellation command an agent just ordered. Returns the case as it is now.
     */
    private SupportCase apply(Record<String, CaseInput> record, OrderCases order, SupportCase before, Change change) {
        var after = switch (change) {
            case Change.Applied applied -> applied.after();
            case Change.Unchanged unchanged -> unchanged.current();
            case Change.Refused refused -> before;
        };
        if (after.status().closed()) {
            order = order.closed(after.type(), after.caseId());
        }
        if (!order.equals(orders.get(order.orderId()))) {
            orders.put(order.orderId(), order);
        }
        if (after == before || after == null) {
            return before;
        }
        cases.put(after.caseId(), after);
        if (after.status().closed() && (before == null || !before.status().closed())) {
            // A closed case's files are kept closed-case-file-retention for a later question, then their bytes go.
            var due = now() + settings.closedCaseFileRetention().toMillis();
            after.evidence().stream().filter(e -> e.kind() == market.resale.support.domain.EvidenceKind.FILE)
                    .forEach(e -> fileExpiry.add(due, SupportTopology.fileKey(after.caseId(), e.evidenceId())));
        }
        for (var entry : after.auditSince(before)) {
            emit(record, after.orderId(), Outbound.to(Topics.CASE_EVENTS, CaseRecords.event(after, entry)));
            count(after, entry);
            log.atInfo().addKeyValue("caseId", after.caseId()).addKeyValue("orderId", after.orderId())
                    .addKeyValue("caseType", after.type().name()).addKeyValue("action", entry.action().name())
                    .addKeyValue("status", after.status().name())
                    .log("Case {} of order {}: {} by {}, now {}", after.caseId(), after.orderId(), entry.action(),
                            entry.actorRole(), after.status());
        }
        emit(record, after.caseId(), Outbound.to(Topics.CASE_SUMMARIES, CaseRecords.summary(after)));
        var pending = after.pendingCancellation();
        if (pending != null && (before == null || before.pendingCancellation() == null)) {
            emit(record, after.orderId(), Outbound.to(Topics.CANCEL_COMMANDS, CancelOrderCommand.newBuilder()
                    .setCommandId(pending.commandId()).setOrderId(after.orderId())
                    .setActor(Actor.SUPPORT).setActorId(pending.agentId())
                    .setReason(CancelReason.valueOf(pending.reason())).setNote(note(pending.note()))
                    .setRequestedAt(Instant.ofEpochMilli(pending.orderedAt())).setReference(after.caseId())
                    .build()));
        }
        return after;
    }

    private void count(SupportCase kase, AuditEntry entry) {
        var type = kase.type().name();
        switch (entry.action()) {
            case STATEMENT_ADDED, EVIDENCE_ADDED -> counters.increment(context, "case_evidence_added_total", "type", type, "kind",
                    entry.action() == CaseAction.STATEMENT_ADDED ? "STATEMENT" : kase.evidence(entry.evidenceId()).kind().name(),
                    "role", entry.actorRole().name());
            case CANCELLATION_ORDERED, CANCELLATION_REFUSED -> counters.increment(context, "case_cancellations_total", "type", type,
                    "result", entry.action().name());
            case RESOLVED, REJECTED, CANCELLATION_CARRIED_OUT -> {
                var outcome = entry.outcomeAfter().name();
                counters.increment(context, "cases_resolved_total", "type", type, "outcome", outcome);
                meters.timer("case_resolution_seconds", "type", type, "outcome", outcome)
                        .record(Duration.ofMillis(Math.max(0, entry.at() - kase.openedAt())));
                if (entry.action() == CaseAction.CANCELLATION_CARRIED_OUT) {
                    counters.increment(context, "case_cancellations_total", "type", type, "result", entry.action().name());
                }
            }
            default -> {
            }
        }
    }

    private static String evidenceOf(CaseCommand c, SupportCase before, SupportCase after) {
        return switch (c.getAction()) {
            case ADD_MESSAGE -> {
                var quoted = after.quoted(c.getMessageId(), c.getActorId());
                yield quoted == null ? null : quoted.evidenceId();
            }
            case ADD_STATEMENT, ADD_FILE -> after.evidence().size() > before.evidence().size()
                    ? after.evidence().getLast().evidenceId() : null;
            default -> null;
        };
    }

    private static String invalidCommand(String key, CaseCommand c) {
        if (!key.equals(c.getOrderId())) {
            return "record key " + key + " differs from orderId " + c.getOrderId();
        }
        if (c.getActorId().isBlank()) {
            return "no actor";
        }
        return switch (c.getAction()) {
            case OTHER -> "unknown action";
            case OPEN -> c.getCaseType() == null || blank(c.getText()) ? "opening a case takes a type and a description" : null;
            case ADD_STATEMENT -> blank(c.getCaseId()) || blank(c.getText()) ? "a statement takes a case and a text" : null;
            case ADD_MESSAGE -> blank(c.getCaseId()) || blank(c.getMessageId()) ? "a quoted message takes a case and a message id" : null;
            case ADD_FILE -> blank(c.getCaseId()) || c.getFile() == null ? "a file takes a case and the file" : null;
            case ASSIGN -> blank(c.getCaseId()) || blank(c.getAgentId()) || !market.resale.platform.Ids.valid(c.getAgentId())
                    ? "an assignment takes a case and an agent id" : null;
            case START_REVIEW, START_MEDIATION -> blank(c.getCaseId()) ? "a move takes a case" : null;
            case RESOLVE -> blank(c.getCaseId()) || c.getResolution() == null
                    || c.getResolution() == market.resale.schemas.support.CaseResolution.OTHER || blank(c.getText())
                    ? "a resolution takes a case, an outcome and a reason" : null;
        };
    }

    /** The reason orders-service records for a support cancellation, unless the agent chose one. */
    static CancelReason cancelReason(CaseType type, CancelReason chosen) {
        if (chosen != null) {
            return chosen;
        }
        return switch (type) {
            case NON_RESPONSIVE_SELLER -> CancelReason.SELLER_NON_RESPONSIVE;
            case DISPUTE, COMPLAINT -> CancelReason.DISPUTE_RESOLUTION;
            case CANCELLATION_REQUEST -> CancelReason.OTHER;
        };
    }

    private void refuse(String outcomeKey, CaseCommand c, Refusal refusal, String detail, long now) {
        decided(outcomeKey, c, CommandOutcome.refused(c.getCommandId(), c.getOrderId(), c.getCaseId(), refusal, detail, now));
        counters.increment(context, "case_commands_refused_total", "code", refusal.code());
    }

    /** Records the answer to {@code c}, marked with the request it answers: the same key sent with another request is not answered with it. */
    private void decided(String outcomeKey, CaseCommand c, CommandOutcome outcome) {
        outcomes.put(outcomeKey, outcome.forRequest(c.getAction().name(), CaseRecords.fingerprint(c), SourceOffset.of(context)));
        outcomeExpiry.add(outcome.at(), outcomeKey);
    }

    /** Forgets the answers decided more than {@code outcome-retention} ago, from their time index, a batch per tick. */
    void forgetOldOutcomes(long now) {
        for (var due : outcomeExpiry.takeDue(now - settings.outcomeRetention().toMillis(), OUTCOME_PURGE_BATCH)) {
            outcomes.delete(due.key());
        }
        for (var due : fileExpiry.takeDue(now, OUTCOME_PURGE_BATCH)) {
            if (files.get(due.key()) != null) {
                files.delete(due.key());
                counters.increment(context, "case_files_expired_total");
            }
        }
    }

    private OrderCases order(String orderId) {
        var order = orders.get(orderId);
        return order == null ? OrderCases.unknown(orderId) : order;
    }

    private static String partiesProblem(String orderId, String buyerId, String sellerId) {
        return market.resale.platform.Ids.orderProblem(orderId, buyerId, sellerId);
    }

    private long now() {
        return context.currentSystemTimeMs();
    }

    private static market.resale.support.domain.Actor system() {
        return market.resale.support.domain.Actor.system();
    }

    private static byte[] bytes(CaseFile file) {
        var buffer = file.getContent().duplicate();
        var bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** orders-service keeps a note of at most 500 characters. */
    private static String note(String reason) {
        return reason == null || reason.length() <= 500 ? reason : reason.substring(0, 499) + "…";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s;
    }

    private void emit(Record<String, CaseInput> record, String key, Outbound outbound) {
        context.forward(new Record<>(key, outbound, record.timestamp(), record.headers()));
    }

}
