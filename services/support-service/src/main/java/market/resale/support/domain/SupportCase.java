package market.resale.support.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A help-center case (rule 11) and every rule about how it may change. Each method takes the actor
 * and the time and answers with a {@link Change}; every change appends an {@link AuditEntry}.
 *
 * <p>Lifecycle: OPEN → IN_REVIEW → (MEDIATION) → RESOLVED or REJECTED. Only support moves a case;
 * parties and support add evidence while it is not closed. An ordered cancellation leaves the case
 * where it is until orders-service answers: carried out resolves it (ORDER_CANCELLED), refused
 * records orders' reason and leaves it to the agent.
 */
public record SupportCase(String caseId, String orderId, CaseType type, CaseStatus status,
                          String buyerId, String sellerId, Actor openedBy, CaseSource source, String description,
                          String assigneeId, long openedAt, long updatedAt, Long mediationStartedAt,
                          Outcome outcome, String resolutionReason,
                          PendingCancellation pendingCancellation, int cancellationAttempts,
                          List<Evidence> evidence, List<AuditEntry> audit) {

    public SupportCase {
        evidence = List.copyOf(evidence);
        audit = List.copyOf(audit);
    }

    public static SupportCase open(String caseId, String orderId, CaseType type, String buyerId, String sellerId,
                                   Actor openedBy, CaseSource source, String description, long at) {
        var opened = new SupportCase(caseId, orderId, type, CaseStatus.OPEN, buyerId, sellerId, openedBy, source,
                description, null, at, at, null, null, null, null, 0, List.of(), List.of());
        return opened.record(CaseAction.OPENED, openedBy, at, type + " opened by " + openedBy.role(), null);
    }

    /** Whether this user, in this role, is the party of the order the role says. */
    public boolean isParty(String userId, ActorRole role) {
        return switch (role) {
            case BUYER -> buyerId.equals(userId);
            case SELLER -> sellerId.equals(userId);
            case SUPPORT, SYSTEM -> false;
        };
    }

    public Change addStatement(Actor actor, String text, long at, CaseLimits limits) {
        var refused = refuseEvidence(actor, limits, false);
        if (refused != null) {
            return refused;
        }
        var id = nextEvidenceId();
        return new Change.Applied(withEvidence(Evidence.statement(id, actor, at, text))
                .record(CaseAction.STATEMENT_ADDED, actor, at, "statement added by " + actor.role(), id));
    }

    /**
     * Quotes conversation messages. A message this actor already quoted on the case is not added again
     * (a redelivered non-responsive event, or a party quoting the same message twice); nothing new is
     * Unchanged. Quotes are told apart by message and author: one author's quote never keeps another's
     * (the service's own quote of an unanswered message is added even when a party quoted it first).
     */
    public Change addMessages(Actor actor, List<MessageQuote> messages, long at, CaseLimits limits) {
        var fresh = messages.stream().filter(m -> quoted(m.messageId(), actor.id()) == null)
                .collect(java.util.stream.Collectors.toMap(MessageQuote::messageId, m -> m, (a, b) -> a,
                        java.util.LinkedHashMap::new)).values();
        if (fresh.isEmpty() && !status.closed()) {
            return new Change.Unchanged(this);
        }
        var refused = refuseEvidence(actor, limits, false);
        if (refused != null) {
            return refused;
        }
        if (evidence.size() + fresh.size() > limits.maxEvidence()) {
            return new Change.Refused(Refusal.EVIDENCE_LIMIT_REACHED, "A case takes at most " + limits.maxEvidence()
                    + " pieces of evidence");
        }
        var changed = this;
        for (var message : fresh) {
            var id = changed.nextEvidenceId();
            changed = changed.withEvidence(Evidence.message(id, actor, at, message))
                    .record(CaseAction.EVIDENCE_ADDED, actor, at, "message " + message.messageId() + " quoted by "
                            + actor.role(), id);
        }
        return new Change.Applied(changed);
    }

    /** Attaches a checked file ({@link FileCheck}); one without a name is named after its evidence id. */
    public Change addFile(Actor actor, FileInfo file, long at, CaseLimits limits) {
        var refused = refuseEvidence(actor, limits, true);
        if (refused != null) {
            return refused;
        }
        var id = nextEvidenceId();
        if (file.name() == null) {
            file = new FileInfo(FileCheck.safeName(null, id, file.contentType()), file.contentType(), file.size(), file.sha256());
        }
        return new Change.Applied(withEvidence(Evidence.file(id, actor, at, file))
                .record(CaseAction.EVIDENCE_ADDED, actor, at, "file " + file.contentType() + " (" + file.size()
                        + " bytes) attached by " + actor.role(), id));
    }

    public Change assign(Actor agent, String assignee, long at) {
        var refused = refuseMove(agent);
        if (refused != null) {
            return refused;
        }
        if (assignee.equals(assigneeId)) {
            return new Change.Unchanged(this);
        }
        return new Change.Applied(withAssignee(assignee).record(CaseAction.ASSIGNED, agent, at, "assigned to " + assignee, null));
    }

    /** Support takes the case up; an unassigned case goes to the agent who starts the review. */
    public Change startReview(Actor agent, long at) {
        var refused = refuseMove(agent);
        if (refused != null) {
            return refused;
        }
        if (status == CaseStatus.IN_REVIEW) {
            return new Change.Unchanged(this);
        }
        if (status != CaseStatus.OPEN) {
            return invalid("A case in " + status + " cannot go back to review");
        }
        var changed = this;
        if (assigneeId == null) {
            changed = changed.withAssignee(agent.id()).record(CaseAction.ASSIGNED, agent, at, "assigned to " + agent.id(), null);
        }
        return new Change.Applied(changed.withStatus(CaseStatus.IN_REVIEW, null)
                .record(CaseAction.REVIEW_STARTED, agent, at, "review started", null));
    }

    /** Both parties are asked for statements and, from now on, see each other's (rule 11, guide §7.2). */
    public Change startMediation(Actor agent, long at) {
        var refused = refuseMove(agent);
        if (refused != null) {
            return refused;
        }
        if (status == CaseStatus.MEDIATION) {
            return new Change.Unchanged(this);
        }
        if (status != CaseStatus.IN_REVIEW) {
            return invalid("Mediation starts from review; this case is " + status);
        }
        var mediating = withStatus(CaseStatus.MEDIATION, outcome).withUpdatedAt(at).withMediationStartedAt(at);
        return new Change.Applied(mediating.record(CaseAction.MEDIATION_STARTED, agent, at, "mediation started", null));
    }

    /**
     * An agent's decision. ORDER_CANCELLATION does not close the case: it records the order and
     * names the command to send ({@link #pendingCancellation()}); the case is resolved when
     * orders-service reports the cancellation carried out.
     */
    public Change resolve(Actor agent, Resolution resolution, String reason, String cancelReason, long at) {
        var refused = refuseMove(agent);
        if (refused != null) {
            return refused;
        }
        if (pendingCancellation != null) {
            return new Change.Refused(Refusal.CANCELLATION_PENDING, "A cancellation ordered by "
                    + pendingCancellation.agentId() + " awaits orders-service's answer");
        }
        if (resolution != Resolution.REJECT && status == CaseStatus.OPEN) {
            return invalid("Review the case before resolving it");
        }
        return new Change.Applied(switch (resolution) {
            case REJECT -> withStatus(CaseStatus.REJECTED, Outcome.REJECTED).withReason(reason)
                    .record(CaseAction.REJECTED, agent, at, "rejected", null);
            case NO_CANCELLATION -> withStatus(CaseStatus.RESOLVED, Outcome.RESOLVED_WITHOUT_CANCELLATION).withReason(reason)
                    .record(CaseAction.RESOLVED, agent, at, "resolved without cancellation", null);
            case ORDER_CANCELLATION -> {
                var attempt = cancellationAttempts + 1;
                var pending = new PendingCancellation(cancelCommandId(attempt), cancelReason, agent.id(), reason, at);
                yield withUpdatedAt(at).withReason(reason).withPendingCancellation(pending, attempt)
                        .record(CaseAction.CANCELLATION_ORDERED, agent, at, "cancellation ordered (" + cancelReason + ")", null);
            }
        });
    }

    /** orders-service cancelled the order for this case: resolved with ORDER_CANCELLED. */
    public Change cancellationCarriedOut(long at) {
        if (status.closed()) {
            return new Change.Unchanged(this);
        }
        var resolved = withStatus(CaseStatus.RESOLVED, Outcome.ORDER_CANCELLED).withUpdatedAt(at)
                .withPendingCancellation(null, cancellationAttempts);
        return new Change.Applied(resolved.record(CaseAction.CANCELLATION_CARRIED_OUT, Actor.system(), at,
                "order cancelled by orders-service", null));
    }

    /** orders-service refused the cancellation: its reason is recorded and the case waits for the agent again. */
    public Change cancellationRefused(String commandId, String code, String detail, long at) {
        if (pendingCancellation == null || !pendingCancellation.commandId().equals(commandId)) {
            return new Change.Unchanged(this);
        }
        var waiting = withUpdatedAt(at).withPendingCancellation(null, cancellationAttempts);
        return new Change.Applied(waiting.record(CaseAction.CANCELLATION_REFUSED, Actor.system(), at,
                "cancellation refused by orders-service: " + code + ": " + detail, null));
    }

    /** The command id of the n-th cancellation this case orders: a redelivery is the same command. */
    public String cancelCommandId(int attempt) {
        return caseId + ":cancel-" + attempt;
    }

    public Evidence evidence(String evidenceId) {
        return evidence.stream().filter(e -> e.evidenceId().equals(evidenceId)).findFirst().orElse(null);
    }

    /** The quote of {@code messageId} by {@code authorId} on this case, or null. */
    public Evidence quoted(String messageId, String authorId) {
        return evidence.stream().filter(e -> e.message() != null && e.message().messageId().equals(messageId)
                        && e.authorId().equals(authorId))
                .findFirst().orElse(null);
    }

    /**
     * Whether a viewer in this role sees this piece of evidence. Support sees everything; a party
     * sees its own, the service's and support's, and the other party's once mediation started.
     */
    public boolean visibleTo(Evidence e, ActorRole viewer) {
        return writtenFor(e.authorRole(), viewer, mediationStartedAt != null);
    }

    /**
     * Whether what {@code author} wrote (evidence, the description, its part of the audit) is for {@code viewer}'s eyes:
     * support sees everything; a party sees its own, support's and the system's, and the other party's only once
     * mediation has opened.
     */
    public static boolean writtenFor(ActorRole author, ActorRole viewer, boolean inMediation) {
        if (viewer == ActorRole.SUPPORT || viewer == ActorRole.SYSTEM) {
            return true;
        }
        return author == viewer || !author.isParty() || inMediation;
    }

    public List<Evidence> evidenceVisibleTo(ActorRole viewer) {
        return evidence.stream().filter(e -> visibleTo(e, viewer)).toList();
    }

    public long fileCount() {
        return evidence.stream().filter(e -> e.kind() == EvidenceKind.FILE).count();
    }

    private Change.Refused refuseEvidence(Actor actor, CaseLimits limits, boolean file) {
        if (actor.role().isParty() && !isParty(actor.id(), actor.role())) {
            return new Change.Refused(Refusal.NOT_A_PARTY, "Case " + caseId + " not found");
        }
        if (status.closed()) {
            return new Change.Refused(Refusal.CASE_CLOSED, "Case " + caseId + " is " + status + "; it takes no more evidence");
        }
        if (evidence.size() >= limits.maxEvidence()) {
            return new Change.Refused(Refusal.EVIDENCE_LIMIT_REACHED, "A case takes at most " + limits.maxEvidence()
                    + " pieces of evidence");
        }
        if (file && fileCount() >= limits.maxFiles()) {
            return new Change.Refused(Refusal.EVIDENCE_LIMIT_REACHED, "A case takes at most " + limits.maxFiles() + " files");
        }
        return null;
    }

    private Change.Refused refuseMove(Actor actor) {
        if (actor.role() != ActorRole.SUPPORT) {
            return new Change.Refused(Refusal.NOT_ALLOWED, "Only a support agent assigns, moves or resolves a case");
        }
        if (status.closed()) {
            return new Change.Refused(Refusal.CASE_CLOSED, "Case " + caseId + " is " + status);
        }
        return null;
    }

    private static Change.Refused invalid(String detail) {
        return new Change.Refused(Refusal.INVALID_TRANSITION, detail);
    }

    private String nextEvidenceId() {
        return "e" + (evidence.size() + 1);
    }

    private SupportCase withEvidence(Evidence added) {
        var all = new ArrayList<>(evidence);
        all.add(added);
        return new SupportCase(caseId, orderId, type, status, buyerId, sellerId, openedBy, source, description, assigneeId,
                openedAt, added.at(), mediationStartedAt, outcome, resolutionReason, pendingCancellation,
                cancellationAttempts, all, audit);
    }

    private SupportCase withAssignee(String assignee) {
        return new SupportCase(caseId, orderId, type, status, buyerId, sellerId, openedBy, source, description, assignee,
                openedAt, updatedAt, mediationStartedAt, outcome, resolutionReason, pendingCancellation,
                cancellationAttempts, evidence, audit);
    }

    private SupportCase withStatus(CaseStatus next, Outcome ending) {
        return new SupportCase(caseId, orderId, type, next, buyerId, sellerId, openedBy, source, description, assigneeId,
                openedAt, updatedAt, mediationStartedAt, ending, resolutionReason, pendingCancellation,
                cancellationAttempts, evidence, audit);
    }

    private SupportCase withReason(String reason) {
        return new SupportCase(caseId, orderId, type, status, buyerId, sellerId, openedBy, source, description, assigneeId,
                openedAt, updatedAt, mediationStartedAt, outcome, reason, pendingCancellation, cancellationAttempts,
                evidence, audit);
    }

    private SupportCase withUpdatedAt(long at) {
        return new SupportCase(caseId, orderId, type, status, buyerId, sellerId, openedBy, source, description, assigneeId,
                openedAt, at, mediationStartedAt, outcome, resolutionReason, pendingCancellation, cancellationAttempts,
                evidence, audit);
    }

    private SupportCase withMediationStartedAt(long at) {
        return new SupportCase(caseId, orderId, type, status, buyerId, sellerId, openedBy, source, description, assigneeId,
                openedAt, updatedAt, at, outcome, resolutionReason, pendingCancellation, cancellationAttempts,
                evidence, audit);
    }

    /** The cancellation awaiting orders-service's answer (null: none), and how many this case has ordered. */
    private SupportCase withPendingCancellation(PendingCancellation pending, int attempts) {
        return new SupportCase(caseId, orderId, type, status, buyerId, sellerId, openedBy, source, description, assigneeId,
                openedAt, updatedAt, mediationStartedAt, outcome, resolutionReason, pending, attempts, evidence, audit);
    }

    private SupportCase record(CaseAction action, Actor actor, long at, String summary, String evidenceId) {
        var all = new ArrayList<>(audit);
        all.add(new AuditEntry(audit.size() + 1, action, actor.id(), actor.role(), at, summary, evidenceId, status, outcome));
        return new SupportCase(caseId, orderId, type, status, buyerId, sellerId, openedBy, source, description, assigneeId,
                openedAt, Math.max(updatedAt, at), mediationStartedAt, outcome, resolutionReason, pendingCancellation,
                cancellationAttempts, evidence, all);
    }

    /** The audit entries this change added to {@code before}. */
    public List<AuditEntry> auditSince(SupportCase before) {
        var from = before == null ? 0 : before.audit().size();
        return audit.subList(from, audit.size());
    }
}
