package market.resale.support.web;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import market.resale.schemas.support.CaseSummary;
import market.resale.support.domain.ActorRole;
import market.resale.support.stream.CaseRecords;
import market.resale.support.domain.AuditEntry;
import market.resale.support.domain.Evidence;
import market.resale.support.domain.SupportCase;

/**
 * What the API answers about cases. A party's view holds only what it may see: until mediation opens, what the other
 * party wrote (its evidence, its description, the summaries of its audit entries) is left out; support sees all.
 */
final class CaseViews {

    private CaseViews() {
    }

    record ActorView(String id, ActorRole role) {
    }

    record MessageView(String messageId, String senderId, String kind, Instant sentAt) {
    }

    record FileView(String fileId, String name, String contentType, long size, String sha256, String url) {
    }

    record EvidenceView(String caseId, String evidenceId, String kind, ActorView author, Instant at, String text,
                        MessageView message, FileView file) {
    }

    record AuditView(int sequence, String action, ActorView actor, Instant at, String summary, String evidenceId,
                     String status, String outcome) {
    }

    record CancellationView(String commandId, String status, String reason, String orderedBy, Instant orderedAt) {
    }

    record CaseView(String caseId, String orderId, String type, String status, String buyerId, String sellerId,
                    ActorView openedBy, String source, String description, String assigneeId, Instant openedAt,
                    Instant updatedAt, Instant mediationStartedAt, String outcome, String resolutionReason,
                    CancellationView cancellation, List<EvidenceView> evidence, List<AuditView> audit) {
    }

    record SummaryView(String caseId, String orderId, String type, String status, String buyerId, String sellerId,
                       ActorView openedBy, String assigneeId, String description, String outcome, Instant openedAt,
                       Instant updatedAt) {
    }

    record Page(List<SummaryView> cases, int page, int size, long total, boolean hasMore) {
    }

    record Pending(String commandId, String orderId, String caseId, String status) {
    }

    /** A decided command as the controller writes it (a map; {@code case} is the case's URL), named for the API document. */
    record CommandDone(String commandId, String orderId, String caseId, String status,
                       @Schema(name = "case") String caseUrl) {
    }

    static CaseView of(SupportCase c, ActorRole viewer) {
        var pending = c.pendingCancellation();
        var inMediation = c.mediationStartedAt() != null;
        var description = SupportCase.writtenFor(c.openedBy().role(), viewer, inMediation) ? c.description() : null;
        return new CaseView(c.caseId(), c.orderId(), c.type().name(), c.status().name(), c.buyerId(), c.sellerId(),
                new ActorView(c.openedBy().id(), c.openedBy().role()), c.source().name(), description, c.assigneeId(),
                instant(c.openedAt()), instant(c.updatedAt()), c.mediationStartedAt() == null ? null : instant(c.mediationStartedAt()),
                c.outcome() == null ? null : c.outcome().name(), c.resolutionReason(),
                pending == null ? null : new CancellationView(pending.commandId(), "PENDING", pending.reason(),
                        pending.agentId(), instant(pending.orderedAt())),
                c.evidenceVisibleTo(viewer).stream().map(e -> of(c.caseId(), e)).toList(),
                c.audit().stream().map(a -> SupportCase.writtenFor(a.actorRole(), viewer, inMediation) ? of(a) : withheld(a)).toList());
    }

    /** The other party's audit entry before mediation: that it happened and what it did to the case, not what it says. */
    private static AuditView withheld(AuditEntry a) {
        return new AuditView(a.sequence(), a.action().name(), new ActorView(a.actorId(), a.actorRole()), instant(a.at()),
                null, null, a.statusAfter().name(), a.outcomeAfter() == null ? null : a.outcomeAfter().name());
    }

    static EvidenceView of(String caseId, Evidence e) {
        var m = e.message();
        var f = e.file();
        return new EvidenceView(caseId, e.evidenceId(), e.kind().name(), new ActorView(e.authorId(), e.authorRole()),
                instant(e.at()), e.text(),
                m == null ? null : new MessageView(m.messageId(), m.senderId(), m.kind(), m.sentAt() == null ? null : instant(m.sentAt())),
                f == null ? null : new FileView(e.evidenceId(), f.name(), f.contentType(), f.size(), f.sha256(),
                        fileUrl(caseId, e.evidenceId())));
    }

    static AuditView of(AuditEntry a) {
        return new AuditView(a.sequence(), a.action().name(), new ActorView(a.actorId(), a.actorRole()), instant(a.at()),
                a.summary(), a.evidenceId(), a.statusAfter().name(), a.outcomeAfter() == null ? null : a.outcomeAfter().name());
    }

    static SummaryView of(CaseSummary s, ActorRole viewer) {
        var openedBy = CaseRecords.role(s.getOpenedByRole());
        var description = SupportCase.writtenFor(openedBy, viewer, s.getMediationStartedAt() != null) ? s.getDescription() : null;
        return new SummaryView(s.getCaseId(), s.getOrderId(), s.getType().name(), s.getStatus().name(), s.getBuyerId(),
                s.getSellerId(), new ActorView(s.getOpenedBy(), openedBy),
                s.getAssigneeId(), description, s.getOutcome() == null ? null : s.getOutcome().name(),
                s.getOpenedAt(), s.getUpdatedAt());
    }

    static String caseUrl(String caseId) {
        return "/cases/" + caseId;
    }

    static String fileUrl(String caseId, String fileId) {
        return caseUrl(caseId) + "/evidence/files/" + fileId;
    }

    private static Instant instant(long millis) {
        return Instant.ofEpochMilli(millis);
    }
}
