package market.resale.support.stream;

import java.time.Instant;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.support.CaseAction;
import market.resale.schemas.support.CaseEvent;
import market.resale.schemas.support.CaseOutcome;
import market.resale.schemas.support.CaseResolution;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.support.CaseSummary;
import market.resale.schemas.support.CaseType;
import market.resale.support.domain.ActorRole;
import market.resale.support.domain.AuditEntry;
import market.resale.support.domain.Outcome;
import market.resale.support.domain.Resolution;
import market.resale.support.domain.SupportCase;

/** The case as the Avro records other services and the global case table read. */
public final class CaseRecords {

    private CaseRecords() {
    }

    /** One event per audit entry; its id is the entry's place in the case, so a replay produces the same ids. */
    public static CaseEvent event(SupportCase c, AuditEntry entry) {
        return CaseEvent.newBuilder()
                .setEventId(c.caseId() + ":" + entry.sequence()).setCaseId(c.caseId()).setOrderId(c.orderId())
                .setType(type(c.type())).setStatus(CaseStatus.valueOf(entry.statusAfter().name()))
                .setBuyerId(c.buyerId()).setSellerId(c.sellerId())
                .setAction(CaseAction.valueOf(entry.action().name()))
                .setActorId(entry.actorId()).setActorRole(role(entry.actorRole()))
                .setSummary(entry.summary()).setOutcome(outcome(entry.outcomeAfter()))
                .setAt(Instant.ofEpochMilli(entry.at()))
                .build();
    }

    public static CaseSummary summary(SupportCase c) {
        return CaseSummary.newBuilder()
                .setCaseId(c.caseId()).setOrderId(c.orderId()).setType(type(c.type()))
                .setStatus(CaseStatus.valueOf(c.status().name())).setBuyerId(c.buyerId()).setSellerId(c.sellerId())
                .setOpenedBy(c.openedBy().id()).setOpenedByRole(role(c.openedBy().role()))
                .setAssigneeId(c.assigneeId()).setDescription(abbreviate(c.description()))
                .setOutcome(outcome(c.outcome()))
                .setOpenedAt(Instant.ofEpochMilli(c.openedAt())).setUpdatedAt(Instant.ofEpochMilli(c.updatedAt()))
                .setMediationStartedAt(c.mediationStartedAt() == null ? null : Instant.ofEpochMilli(c.mediationStartedAt()))
                .build();
    }

    /**
     * What a command asks, as a SHA-256: its action, case, type, text, message, agent, resolution,
     * cancel reason and file (name, type, bytes), with absent and empty told apart. Not the command id,
     * the actor or the time: a retry of the same request has the same fingerprint. The HTTP layer and
     * the processor compute it from the same command.
     */
    public static String fingerprint(market.resale.schemas.support.CaseCommand c) {
        var file = c.getFile();
        return market.resale.platform.Fingerprints.of(file == null ? null : file.getContent(),
                c.getAction(), c.getCaseId(), c.getCaseType(), c.getText(), c.getMessageId(), c.getAgentId(), c.getResolution(),
                c.getCancelReason(), file == null ? null : file.getName(), file == null ? null : file.getContentType());
    }

    public static ParticipantRole role(ActorRole role) {
        return ParticipantRole.valueOf(role.name());
    }

    public static ActorRole role(ParticipantRole role) {
        return ActorRole.valueOf(role.name());
    }

    public static CaseType type(market.resale.support.domain.CaseType type) {
        return CaseType.valueOf(type.name());
    }

    public static market.resale.support.domain.CaseType type(CaseType type) {
        return market.resale.support.domain.CaseType.valueOf(type.name());
    }

    public static CaseResolution resolution(Resolution resolution) {
        return CaseResolution.valueOf(resolution.name());
    }

    public static Resolution resolution(CaseResolution resolution) {
        return Resolution.valueOf(resolution.name());
    }

    private static CaseOutcome outcome(Outcome outcome) {
        return outcome == null ? null : CaseOutcome.valueOf(outcome.name());
    }

    /** Lists show what a case is about, not the whole story. */
    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 199) + "…";
    }
}
