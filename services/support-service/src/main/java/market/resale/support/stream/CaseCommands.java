package market.resale.support.stream;

import market.resale.platform.Ids;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.ExpiringStore;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.support.CaseCommand;
import market.resale.schemas.support.CaseCommandAction;
import market.resale.schemas.support.CaseFile;
import market.resale.schemas.support.CaseResolution;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.CaseLimits;
import market.resale.support.domain.CaseSource;
import market.resale.support.domain.CaseType;
import market.resale.support.domain.Change;
import market.resale.support.domain.CommandOutcome;
import market.resale.support.domain.FileCheck;
import market.resale.support.domain.FileInfo;
import market.resale.support.domain.Refusal;
import market.resale.support.domain.SupportCase;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What parties and agents ask of a case through the API ({@code support.case-commands}): open one, add a
 * statement, a quoted message or a file, assign, review, mediate, resolve. Each command is decided once: its answer
 * (done or refused, with the evidence it added) is kept under the caller's key for {@code outcome-retention}, marked
 * with the request it answers, and a redelivered command changes nothing.
 */
final class CaseCommands {

    private static final int PURGE_BATCH = 10_000;

    private final ProcessorScope scope;
    private final CaseBook book;
    private final QuotableMessages messages;
    private final SupportSettings settings;
    private final FileCheck fileCheck;
    private final CaseLimits limits;
    /** The answers by decision time: one is forgotten once its decision time is {@code outcome-retention} past. */
    private final ExpiringStore<CommandOutcome> outcomes;

    CaseCommands(ProcessorScope scope, CaseBook book, QuotableMessages messages, SupportSettings settings) {
        this.scope = scope;
        this.book = book;
        this.messages = messages;
        this.settings = settings;
        this.fileCheck = settings.fileCheck();
        this.limits = settings.limits();
        this.outcomes = new ExpiringStore<>(scope.store(SupportTopology.OUTCOMES_STORE),
                scope.store(SupportTopology.OUTCOME_EXPIRY_STORE));
    }

    void command(Record<String, ?> record, CaseCommand c) {
        var outcomeKey = SupportTopology.outcomeKey(record.key(), c.getCommandId());
        if (outcomes.get(outcomeKey) != null) {
            return; // decided already: a redelivered command changes nothing
        }
        var now = scope.now();
        var invalid = invalidCommand(record.key(), c);
        if (invalid != null) {
            refuse(outcomeKey, c, Refusal.INVALID_COMMAND, invalid, now);
            scope.deadLetter(record, DeadLetters.INVALID, invalid);
            return;
        }
        var actor = new market.resale.support.domain.Actor(c.getActorId(), CaseRecords.role(c.getActorRole()));
        if (c.getAction() == CaseCommandAction.OPEN) {
            open(record, outcomeKey, c, actor, now);
            return;
        }
        var kase = book.kase(c.getCaseId());
        if (kase == null || !kase.orderId().equals(record.key())
                || (actor.role().isParty() && !kase.isParty(actor.id(), actor.role()))) {
            refuse(outcomeKey, c, Refusal.UNKNOWN_CASE, "Case " + c.getCaseId() + " not found", now);
            return;
        }
        Change change = switch (c.getAction()) {
            case ADD_STATEMENT -> kase.addStatement(actor, c.getText(), now, limits);
            case ADD_MESSAGE -> messages.quote(kase, actor, c.getMessageId(), now, limits);
            case ADD_FILE -> switch (fileCheck.check(c.getFile().getContentType(), bytes(c.getFile()))) {
                    case FileCheck.Refused refused -> new Change.Refused(refused.refusal(), refused.detail());
                    case FileCheck.Accepted ok -> kase.addFile(actor, new FileInfo(blankToNull(c.getFile().getName()),
                            ok.contentType(), ok.size(), ok.sha256()), now, limits);
            };
            case ASSIGN -> kase.assign(actor, c.getAgentId(), now);
            case START_REVIEW -> kase.startReview(actor, now);
            case START_MEDIATION -> kase.startMediation(actor, now);
            case RESOLVE -> kase.resolve(actor, CaseRecords.resolution(c.getResolution()), c.getText(),
                    cancelReason(kase.type(), c.getCancelReason()).name(), now);
            case OPEN, OTHER -> throw new IllegalStateException("handled above");
        };
        if (change instanceof Change.Refused refused) {
            refuse(outcomeKey, c, refused.refusal(), refused.detail(), now);
            return;
        }
        var after = book.apply(record, book.order(record.key()), kase, change);
        var evidenceId = evidenceOf(c, kase, after);
        if (c.getAction() == CaseCommandAction.ADD_FILE && after != kase) {
            book.keepFile(after.caseId(), evidenceId, bytes(c.getFile()));
        }
        decided(outcomeKey, c, CommandOutcome.done(c.getCommandId(), record.key(), kase.caseId(), after != kase, evidenceId, now));
    }

    /**
     * One open case per order and type: a request for a type that has an open case adds its
     * description to that case as the caller's statement instead of opening another.
     */
    private void open(Record<String, ?> record, String outcomeKey, CaseCommand c, market.resale.support.domain.Actor actor,
                      long now) {
        var order = book.stored(record.key());
        var type = CaseRecords.type(c.getCaseType());
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
            var before = book.kase(openId);
            var change = before.addStatement(actor, c.getText(), now, limits);
            if (change instanceof Change.Refused refused) {
                refuse(outcomeKey, c, refused.refusal(), refused.detail(), now);
                return;
            }
            var after = book.apply(record, order, before, change);
            decided(outcomeKey, c, CommandOutcome.done(c.getCommandId(), record.key(), openId, false,
                    after.evidence().getLast().evidenceId(), now));
            return;
        }
        var opened = book.open(order, type, actor, CaseSource.HELP_CENTER, c.getText(), now);
        book.apply(record, opened.order(), null, new Change.Applied(opened.kase()));
        decided(outcomeKey, c, CommandOutcome.done(c.getCommandId(), record.key(), opened.kase().caseId(), true, null, now));
    }

    /** Forgets the answers decided more than {@code outcome-retention} ago, from their time index, a batch per tick. */
    void forgetOldOutcomes(long now) {
        outcomes.forgetDue(now - settings.outcomeRetention().toMillis(), PURGE_BATCH);
        book.forgetExpiredFiles(now, PURGE_BATCH);
    }

    private void refuse(String outcomeKey, CaseCommand c, Refusal refusal, String detail, long now) {
        decided(outcomeKey, c, CommandOutcome.refused(c.getCommandId(), c.getOrderId(), c.getCaseId(), refusal, detail, now));
        scope.count("case_commands_refused_total", "code", refusal.code());
    }

    /** Records the answer to {@code c}, marked with the request it answers: the same key sent with another request is not answered with it. */
    private void decided(String outcomeKey, CaseCommand c, CommandOutcome outcome) {
        outcomes.put(outcomeKey, outcome.forRequest(c.getAction().name(), CaseRecords.fingerprint(c), scope.source()), outcome.at());
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
            case ASSIGN -> blank(c.getCaseId()) || blank(c.getAgentId()) || !Ids.valid(c.getAgentId())
                    ? "an assignment takes a case and an agent id" : null;
            case START_REVIEW, START_MEDIATION -> blank(c.getCaseId()) ? "a move takes a case" : null;
            case RESOLVE -> blank(c.getCaseId()) || c.getResolution() == null
                    || c.getResolution() == CaseResolution.OTHER || blank(c.getText())
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

    private static byte[] bytes(CaseFile file) {
        var buffer = file.getContent().duplicate();
        var bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String blankToNull(String s) {
        return blank(s) ? null : s;
    }
}
