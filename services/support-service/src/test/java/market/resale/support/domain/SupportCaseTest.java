package market.resale.support.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifecycle rules of a case, without Kafka. */
class SupportCaseTest {

    private static final long T0 = 1_000_000L;
    private static final CaseLimits LIMITS = new CaseLimits(5, 2);
    private static final Actor BUYER = new Actor("buyer-ann", ActorRole.BUYER);
    private static final Actor SELLER = new Actor("seller-sam", ActorRole.SELLER);
    private static final Actor AGENT = new Actor("agent-ada", ActorRole.SUPPORT);

    private static SupportCase opened() {
        return SupportCase.open("o-1:DI1", "o-1", CaseType.DISPUTE, "buyer-ann", "seller-sam", BUYER, CaseSource.HELP_CENTER,
                "Not as described", T0);
    }

    private static SupportCase applied(Change change) {
        assertThat(change).isInstanceOf(Change.Applied.class);
        return ((Change.Applied) change).after();
    }

    private static Refusal refused(Change change) {
        assertThat(change).isInstanceOf(Change.Refused.class);
        return ((Change.Refused) change).refusal();
    }

    @Test
    void aNewCaseIsOpenWithItsOpeningAudited() {
        var kase = opened();

        assertThat(kase.status()).isEqualTo(CaseStatus.OPEN);
        assertThat(kase.audit()).containsExactly(new AuditEntry(1, CaseAction.OPENED, "buyer-ann", ActorRole.BUYER, T0,
                "DISPUTE opened by BUYER", null, CaseStatus.OPEN, null));
    }

    @Test
    void reviewAssignsTheAgentWhenNobodyIsAssigned() {
        var inReview = applied(opened().startReview(AGENT, T0 + 1));

        assertThat(inReview.status()).isEqualTo(CaseStatus.IN_REVIEW);
        assertThat(inReview.assigneeId()).isEqualTo("agent-ada");
        assertThat(inReview.audit()).extracting(AuditEntry::action)
                .containsExactly(CaseAction.OPENED, CaseAction.ASSIGNED, CaseAction.REVIEW_STARTED);
    }

    @Test
    void onlyTheAllowedTransitionsAreTaken() {
        var open = opened();
        var inReview = applied(open.startReview(AGENT, T0));
        var mediation = applied(inReview.startMediation(AGENT, T0));
        var resolved = applied(mediation.resolve(AGENT, Resolution.NO_CANCELLATION, "agreed", null, T0));

        assertThat(refused(open.startMediation(AGENT, T0))).isEqualTo(Refusal.INVALID_TRANSITION);
        assertThat(refused(open.resolve(AGENT, Resolution.NO_CANCELLATION, "x", null, T0))).isEqualTo(Refusal.INVALID_TRANSITION);
        assertThat(refused(open.resolve(AGENT, Resolution.ORDER_CANCELLATION, "x", "OTHER", T0))).isEqualTo(Refusal.INVALID_TRANSITION);
        assertThat(refused(mediation.startReview(AGENT, T0))).isEqualTo(Refusal.INVALID_TRANSITION);
        assertThat(refused(resolved.startReview(AGENT, T0))).isEqualTo(Refusal.CASE_CLOSED);
        assertThat(refused(resolved.addStatement(BUYER, "more", T0, LIMITS))).isEqualTo(Refusal.CASE_CLOSED);
        assertThat(applied(open.resolve(AGENT, Resolution.REJECT, "spam", null, T0)).outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(inReview.startReview(AGENT, T0)).isEqualTo(new Change.Unchanged(inReview));
    }

    @Test
    void onlySupportMovesACase() {
        assertThat(refused(opened().startReview(BUYER, T0))).isEqualTo(Refusal.NOT_ALLOWED);
        assertThat(refused(opened().assign(SELLER, "seller-sam", T0))).isEqualTo(Refusal.NOT_ALLOWED);
        assertThat(refused(opened().resolve(BUYER, Resolution.REJECT, "x", null, T0))).isEqualTo(Refusal.NOT_ALLOWED);
    }

    @Test
    void someoneElsesStatementIsRefusedAsIfTheCaseDidNotExist() {
        assertThat(refused(opened().addStatement(new Actor("buyer-bob", ActorRole.BUYER), "hi", T0, LIMITS)))
                .isEqualTo(Refusal.NOT_A_PARTY);
    }

    @Test
    void theOtherPartysEvidenceIsSharedFromMediationOn() {
        var inReview = applied(opened().startReview(AGENT, T0));
        var withStatements = applied(applied(inReview.addStatement(BUYER, "buyer says", T0, LIMITS))
                .addStatement(SELLER, "seller says", T0, LIMITS));
        var withAgentNote = applied(withStatements.addStatement(AGENT, "agent asks both", T0, LIMITS));

        assertThat(withAgentNote.evidenceVisibleTo(ActorRole.BUYER)).extracting(Evidence::text)
                .containsExactly("buyer says", "agent asks both");
        assertThat(withAgentNote.evidenceVisibleTo(ActorRole.SELLER)).extracting(Evidence::text)
                .containsExactly("seller says", "agent asks both");

        var mediation = applied(withAgentNote.startMediation(AGENT, T0 + 5));
        assertThat(mediation.mediationStartedAt()).isEqualTo(T0 + 5);
        assertThat(mediation.evidenceVisibleTo(ActorRole.BUYER)).extracting(Evidence::text)
                .containsExactly("buyer says", "seller says", "agent asks both");
        assertThat(mediation.evidenceVisibleTo(ActorRole.SELLER)).isEqualTo(mediation.evidenceVisibleTo(ActorRole.BUYER));
    }

    @Test
    void anOrderedCancellationWaitsForOrdersAndIsResolvedWhenCarriedOut() {
        var inReview = applied(opened().startReview(AGENT, T0));
        var ordered = applied(inReview.resolve(AGENT, Resolution.ORDER_CANCELLATION, "seller agreed", "DISPUTE_RESOLUTION", T0 + 1));

        assertThat(ordered.status()).isEqualTo(CaseStatus.IN_REVIEW);
        assertThat(ordered.pendingCancellation()).isEqualTo(new PendingCancellation("o-1:DI1:cancel-1", "DISPUTE_RESOLUTION",
                "agent-ada", "seller agreed", T0 + 1));
        assertThat(refused(ordered.resolve(AGENT, Resolution.NO_CANCELLATION, "x", null, T0))).isEqualTo(Refusal.CANCELLATION_PENDING);

        var done = applied(ordered.cancellationCarriedOut(T0 + 2));
        assertThat(done.status()).isEqualTo(CaseStatus.RESOLVED);
        assertThat(done.outcome()).isEqualTo(Outcome.ORDER_CANCELLED);
        assertThat(done.cancellationCarriedOut(T0 + 3)).isEqualTo(new Change.Unchanged(done));
    }

    @Test
    void aRefusedCancellationIsRecordedAndAnotherCanBeOrdered() {
        var ordered = applied(applied(opened().startReview(AGENT, T0))
                .resolve(AGENT, Resolution.ORDER_CANCELLATION, "r", "OTHER", T0));

        var refusedOnce = applied(ordered.cancellationRefused("o-1:DI1:cancel-1", "ALREADY_CANCELLED", "cancelled before", T0 + 1));
        assertThat(refusedOnce.pendingCancellation()).isNull();
        assertThat(refusedOnce.audit().getLast().summary())
                .isEqualTo("cancellation refused by orders-service: ALREADY_CANCELLED: cancelled before");
        assertThat(refusedOnce.cancellationRefused("o-1:DI1:cancel-1", "ALREADY_CANCELLED", "again", T0 + 2))
                .isEqualTo(new Change.Unchanged(refusedOnce));

        var again = applied(refusedOnce.resolve(AGENT, Resolution.ORDER_CANCELLATION, "r", "OTHER", T0 + 3));
        assertThat(again.pendingCancellation().commandId()).isEqualTo("o-1:DI1:cancel-2");
    }

    @Test
    void evidenceIsBoundedPerCaseAndPerFiles() {
        var file = new FileInfo(null, "image/png", 10, "ab");
        var twoFiles = applied(applied(opened().addFile(BUYER, file, T0, LIMITS)).addFile(BUYER, file, T0, LIMITS));

        assertThat(twoFiles.evidence()).extracting(e -> e.file().name()).containsExactly("e1.png", "e2.png");
        assertThat(refused(twoFiles.addFile(BUYER, file, T0, LIMITS))).isEqualTo(Refusal.EVIDENCE_LIMIT_REACHED);
        var messages = List.of(new MessageQuote("m1", null, null, null, "a"), new MessageQuote("m2", null, null, null, "b"),
                new MessageQuote("m3", null, null, null, "c"), new MessageQuote("m4", null, null, null, "d"));
        assertThat(refused(twoFiles.addMessages(BUYER, messages, T0, LIMITS))).isEqualTo(Refusal.EVIDENCE_LIMIT_REACHED);
    }

    @Test
    void aPartyMayNotOpenEveryType() {
        assertThat(CaseType.NON_RESPONSIVE_SELLER.openableBy(ActorRole.BUYER)).isTrue();
        assertThat(CaseType.NON_RESPONSIVE_SELLER.openableBy(ActorRole.SELLER)).isFalse();
        assertThat(CaseType.COMPLAINT.openableBy(ActorRole.SELLER)).isTrue();
        assertThat(CaseType.COMPLAINT.openableBy(ActorRole.SUPPORT)).isFalse();
    }
}
