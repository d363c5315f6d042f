package market.resale.support.stream;

import java.time.Duration;
import java.time.Instant;
import market.resale.platform.kafka.DueIndex;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.topics.Topics;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.AuditEntry;
import market.resale.support.domain.CaseAction;
import market.resale.support.domain.CaseSource;
import market.resale.support.domain.CaseType;
import market.resale.support.domain.Change;
import market.resale.support.domain.EvidenceKind;
import market.resale.support.domain.OrderCases;
import market.resale.support.domain.SupportCase;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cases of the orders in this task, and what a change to one of them means downstream: the case stored, a
 * {@code CaseEvent} per new audit entry, its new summary (keyed by case id, for the global table), and, when an agent
 * orders a cancellation, the SUPPORT {@code CancelOrderCommand} for orders-service. Also the files' bytes, kept
 * {@code closed-case-file-retention} after their case closes.
 */
final class CaseBook {

    private static final Logger log = LoggerFactory.getLogger(CaseBook.class);

    private final ProcessorScope scope;
    private final SupportSettings settings;
    private final KeyValueStore<String, OrderCases> orders;
    private final KeyValueStore<String, SupportCase> cases;
    private final KeyValueStore<String, byte[]> files;
    private final DueIndex fileExpiry;

    CaseBook(ProcessorScope scope, SupportSettings settings) {
        this.scope = scope;
        this.settings = settings;
        this.orders = scope.store(SupportTopology.ORDER_CASES_STORE);
        this.cases = scope.store(SupportTopology.CASES_STORE);
        this.files = scope.store(SupportTopology.FILES_STORE);
        this.fileExpiry = new DueIndex(scope.store(SupportTopology.FILE_EXPIRY_STORE));
    }

    /** The order's cases as stored, or null when support has not heard of the order. */
    OrderCases stored(String orderId) {
        return orders.get(orderId);
    }

    /** The order's cases, or an unknown order's empty record. */
    OrderCases order(String orderId) {
        var order = orders.get(orderId);
        return order == null ? OrderCases.unknown(orderId) : order;
    }

    void keep(OrderCases order) {
        orders.put(order.orderId(), order);
    }

    SupportCase kase(String caseId) {
        return cases.get(caseId);
    }

    void keepFile(String caseId, String evidenceId, byte[] bytes) {
        files.put(SupportTopology.fileKey(caseId, evidenceId), bytes);
    }

    record Opened(OrderCases order, SupportCase kase) {
    }

    Opened open(OrderCases order, CaseType type, market.resale.support.domain.Actor actor, CaseSource source,
                String description, long now) {
        var caseId = order.nextCaseId(type);
        var kase = SupportCase.open(caseId, order.orderId(), type, order.buyerId(), order.sellerId(), actor, source,
                description, now);
        scope.count("cases_opened_total", "type", type.name(), "source", source.name());
        return new Opened(order.opened(type, caseId), kase);
    }

    /** Stores the change and emits what it means (see the class). Returns the case as it is now. */
    SupportCase apply(Record<String, ?> record, OrderCases order, SupportCase before, Change change) {
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
            var due = scope.now() + settings.closedCaseFileRetention().toMillis();
            after.evidence().stream().filter(e -> e.kind() == EvidenceKind.FILE)
                    .forEach(e -> fileExpiry.add(due, SupportTopology.fileKey(after.caseId(), e.evidenceId())));
        }
        for (var entry : after.auditSince(before)) {
            scope.emit(record, after.orderId(), Outbound.to(Topics.CASE_EVENTS, CaseRecords.event(after, entry)));
            count(after, entry);
            log.atInfo().addKeyValue("caseId", after.caseId()).addKeyValue("orderId", after.orderId())
                    .addKeyValue("caseType", after.type().name()).addKeyValue("action", entry.action().name())
                    .addKeyValue("status", after.status().name())
                    .log("Case {} of order {}: {} by {}, now {}", after.caseId(), after.orderId(), entry.action(),
                            entry.actorRole(), after.status());
        }
        scope.emit(record, after.caseId(), Outbound.to(Topics.CASE_SUMMARIES, CaseRecords.summary(after)));
        var pending = after.pendingCancellation();
        if (pending != null && (before == null || before.pendingCancellation() == null)) {
            scope.emit(record, after.orderId(), Outbound.to(Topics.CANCEL_COMMANDS, CancelOrderCommand.newBuilder()
                    .setCommandId(pending.commandId()).setOrderId(after.orderId())
                    .setActor(Actor.SUPPORT).setActorId(pending.agentId())
                    .setReason(CancelReason.valueOf(pending.reason())).setNote(note(pending.note()))
                    .setRequestedAt(Instant.ofEpochMilli(pending.orderedAt())).setReference(after.caseId())
                    .build()));
        }
        return after;
    }

    /** Lets the bytes of files whose case closed {@code closed-case-file-retention} ago go, a batch per tick. */
    void forgetExpiredFiles(long now, int batch) {
        for (var due : fileExpiry.takeDue(now, batch)) {
            if (files.get(due.key()) != null) {
                files.delete(due.key());
                scope.count("case_files_expired_total");
            }
        }
    }

    private void count(SupportCase kase, AuditEntry entry) {
        var type = kase.type().name();
        switch (entry.action()) {
            case STATEMENT_ADDED, EVIDENCE_ADDED -> scope.count("case_evidence_added_total", "type", type, "kind",
                    entry.action() == CaseAction.STATEMENT_ADDED ? "STATEMENT" : kase.evidence(entry.evidenceId()).kind().name(),
                    "role", entry.actorRole().name());
            case CANCELLATION_ORDERED, CANCELLATION_REFUSED -> scope.count("case_cancellations_total", "type", type,
                    "result", entry.action().name());
            case RESOLVED, REJECTED, CANCELLATION_CARRIED_OUT -> {
                var outcome = entry.outcomeAfter().name();
                scope.count("cases_resolved_total", "type", type, "outcome", outcome);
                scope.meters().timer("case_resolution_seconds", "type", type, "outcome", outcome)
                        .record(Duration.ofMillis(Math.max(0, entry.at() - kase.openedAt())));
                if (entry.action() == CaseAction.CANCELLATION_CARRIED_OUT) {
                    scope.count("case_cancellations_total", "type", type, "result", entry.action().name());
                }
            }
            default -> {
            }
        }
    }

    /** orders-service keeps a note of at most 500 characters. */
    private static String note(String reason) {
        return reason == null || reason.length() <= 500 ? reason : reason.substring(0, 499) + "…";
    }
}
