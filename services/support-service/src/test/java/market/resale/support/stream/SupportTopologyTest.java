package market.resale.support.stream;

import static market.resale.support.SupportMother.AGENT;
import static market.resale.support.SupportMother.BUYER;
import static market.resale.support.SupportMother.NOW;
import static market.resale.support.SupportMother.ORDER_ID;
import static market.resale.support.SupportMother.PNG;
import static market.resale.support.SupportMother.SELLER;
import static market.resale.support.SupportMother.agent;
import static market.resale.support.SupportMother.cancelledFor;
import static market.resale.support.SupportMother.command;
import static market.resale.support.SupportMother.file;
import static market.resale.support.SupportMother.nonResponsive;
import static market.resale.support.SupportMother.open;
import static market.resale.support.SupportMother.refusedFor;
import static market.resale.support.SupportMother.resolve;
import static market.resale.support.SupportMother.statement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import market.resale.platform.kafka.DeadLetters;
import market.resale.schemas.topics.DeadLetterHeaders;
import market.resale.platform.kafka.TopologyHarness;
import market.resale.schemas.RecordMother;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.support.CaseAction;
import market.resale.schemas.support.CaseCommand;
import market.resale.schemas.support.CaseCommandAction;
import market.resale.schemas.support.CaseEvent;
import market.resale.schemas.support.CaseOutcome;
import market.resale.schemas.support.CaseResolution;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.support.CaseSummary;
import market.resale.schemas.support.CaseType;
import market.resale.schemas.topics.Topics;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.ActorRole;
import market.resale.support.domain.CommandOutcome;
import market.resale.support.domain.Evidence;
import market.resale.support.domain.EvidenceKind;
import market.resale.support.domain.FileCheck;
import market.resale.support.domain.FileInfo;
import market.resale.support.domain.Refusal;
import market.resale.support.domain.SupportCase;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SupportTopologyTest {

    private static final String APP = "support-service";
    private static final String CR = ORDER_ID + ":CR1";

    private TopologyHarness harness;
    private TestInputTopic<String, OrderPlaced> placed;
    private TestInputTopic<String, SellerNonResponsive> nonResponsive;
    private TestInputTopic<String, ScanConflict> conflicts;
    private TestInputTopic<String, OrderCancelled> cancelled;
    private TestInputTopic<String, CancellationRejected> rejected;
    private TestInputTopic<String, CaseCommand> commands;
    private TestInputTopic<String, ConversationMessage> conversation;
    private TestOutputTopic<String, CaseEvent> events;
    private TestOutputTopic<String, CaseSummary> summaries;
    private TestOutputTopic<String, CancelOrderCommand> cancelCommands;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void start() {
        start(SupportSettings.defaults());
    }

    private void start(SupportSettings settings) {
        harness = TopologyHarness.start(APP, (registry, meters) -> SupportTopology.build(settings, registry, APP, meters), NOW);
        placed = harness.input(Topics.ORDER_PLACED);
        nonResponsive = harness.input(Topics.SELLER_NON_RESPONSIVE);
        conflicts = harness.input(Topics.SCAN_CONFLICTS);
        cancelled = harness.input(Topics.ORDER_CANCELLED);
        rejected = harness.input(Topics.CANCELLATION_REJECTED);
        commands = harness.input(Topics.CASE_COMMANDS);
        conversation = harness.input(Topics.CONVERSATION_MESSAGES);
        events = harness.output(Topics.CASE_EVENTS);
        summaries = harness.output(Topics.CASE_SUMMARIES);
        cancelCommands = harness.output(Topics.CANCEL_COMMANDS);
        deadLetters = harness.deadLetters();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void givenTheOrder() {
        placed.pipeInput(ORDER_ID, RecordMother.orderPlaced().build());
    }

    private void send(CaseCommand.Builder command) {
        commands.pipeInput(ORDER_ID, command.build());
    }

    private SupportCase kase(String caseId) {
        return harness.<SupportCase>store(SupportTopology.CASES_STORE).get(caseId);
    }

    private CommandOutcome outcome(String commandId) {
        return harness.<CommandOutcome>store(SupportTopology.OUTCOMES_STORE).get(SupportTopology.outcomeKey(ORDER_ID, commandId));
    }

    private static CaseEvent event(String caseId, int sequence, CaseType type, CaseAction action, CaseStatus status,
                                   String actorId, ParticipantRole role, String summary, CaseOutcome outcome, Instant at) {
        return CaseEvent.newBuilder().setEventId(caseId + ":" + sequence).setCaseId(caseId).setOrderId(ORDER_ID)
                .setType(type).setStatus(status).setBuyerId(BUYER).setSellerId(SELLER).setAction(action)
                .setActorId(actorId).setActorRole(role).setSummary(summary).setOutcome(outcome).setAt(at).build();
    }

    /** The case CR opened by the buyer, taken into review by the agent (who is assigned by it). */
    private void givenACaseInReview() {
        givenTheOrder();
        send(open("c-open", CaseType.CANCELLATION_REQUEST, "The seller listed the wrong size"));
        send(agent("c-review", CaseCommandAction.START_REVIEW, CR));
        events.readValuesToList();
        summaries.readValuesToList();
    }

    @Test
    void theAnswerToACommandIsKeptForItsRetentionThenForgotten() {
        givenTheOrder();
        send(open("c-1", CaseType.CANCELLATION_REQUEST, "The seller listed the wrong size"));
        var retention = SupportSettings.defaults().outcomeRetention();

        harness.advanceWallClockTo(NOW.plus(retention).minus(java.time.Duration.ofHours(2)));
        assertThat(outcome("c-1")).as("two hours short of its retention").isNotNull();

        harness.advanceWallClockTo(NOW.plus(retention).plus(java.time.Duration.ofHours(2)));
        assertThat(outcome("c-1")).as("past its retention").isNull();
        assertThat(harness.<String>store(SupportTopology.OUTCOME_EXPIRY_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void aBuyersCancellationRequestOpensACaseWithTheOrdersParties() {
        givenTheOrder();

        send(open("c-1", CaseType.CANCELLATION_REQUEST, "The seller listed the wrong size"));

        assertThat(events.readKeyValuesToList()).containsExactly(KeyValue.pair(ORDER_ID, event(CR, 1,
                CaseType.CANCELLATION_REQUEST, CaseAction.OPENED, CaseStatus.OPEN, BUYER, ParticipantRole.BUYER,
                "CANCELLATION_REQUEST opened by BUYER", null, NOW)));
        assertThat(summaries.readKeyValuesToList()).containsExactly(KeyValue.pair(CR, CaseSummary.newBuilder()
                .setCaseId(CR).setOrderId(ORDER_ID).setType(CaseType.CANCELLATION_REQUEST).setStatus(CaseStatus.OPEN)
                .setBuyerId(BUYER).setSellerId(SELLER).setOpenedBy(BUYER).setOpenedByRole(ParticipantRole.BUYER)
                .setAssigneeId(null).setDescription("The seller listed the wrong size").setOutcome(null)
                .setOpenedAt(NOW).setUpdatedAt(NOW).build()));
        assertThat(outcome("c-1")).usingRecursiveComparison().ignoringFields("action", "fingerprint", "source").isEqualTo(CommandOutcome.done("c-1", ORDER_ID, CR, true, null, NOW.toEpochMilli()));
        assertThat(harness.count("cases_opened_total", "type", "CANCELLATION_REQUEST", "source", "HELP_CENTER")).isEqualTo(1);
    }

    @Test
    void eachTypeAPartyMayOpenIsOpenedWithItsOwnIdAndTheSellerCannotReportItself() {
        givenTheOrder();

        send(open("c-1", CaseType.COMPLAINT, "Rude messages"));
        send(open("c-2", CaseType.DISPUTE, "Item never arrived").setActorId(SELLER).setActorRole(ParticipantRole.SELLER));
        send(open("c-3", CaseType.NON_RESPONSIVE_SELLER, "No answer for days"));
        send(open("c-4", CaseType.NON_RESPONSIVE_SELLER, "I answer!").setActorId(SELLER).setActorRole(ParticipantRole.SELLER));
        send(open("c-5", CaseType.COMPLAINT, "Not my order").setActorId("buyer-bob"));

        assertThat(events.readValuesToList()).extracting(CaseEvent::getCaseId, CaseEvent::getType, CaseEvent::getActorRole)
                .containsExactly(tuple(ORDER_ID + ":CO1", CaseType.COMPLAINT, ParticipantRole.BUYER),
                        tuple(ORDER_ID + ":DI2", CaseType.DISPUTE, ParticipantRole.SELLER),
                        tuple(ORDER_ID + ":NR3", CaseType.NON_RESPONSIVE_SELLER, ParticipantRole.BUYER));
        assertThat(outcome("c-4").refusal()).isEqualTo(Refusal.CASE_TYPE_NOT_ALLOWED);
        assertThat(outcome("c-5").refusal()).isEqualTo(Refusal.UNKNOWN_ORDER);
    }

    @Test
    void aSecondRequestOfTheSameTypeIsAddedToTheOpenCaseAsAStatement() {
        givenTheOrder();
        send(open("c-1", CaseType.CANCELLATION_REQUEST, "The seller listed the wrong size"));
        events.readValuesToList();

        send(open("c-2", CaseType.CANCELLATION_REQUEST, "Also, the colour is different"));

        assertThat(events.readValuesToList()).containsExactly(event(CR, 2, CaseType.CANCELLATION_REQUEST,
                CaseAction.STATEMENT_ADDED, CaseStatus.OPEN, BUYER, ParticipantRole.BUYER, "statement added by BUYER", null, NOW));
        assertThat(kase(CR).evidence()).containsExactly(Evidence.statement("e1",
                new market.resale.support.domain.Actor(BUYER, ActorRole.BUYER), NOW.toEpochMilli(), "Also, the colour is different"));
        assertThat(outcome("c-2")).usingRecursiveComparison().ignoringFields("action", "fingerprint", "source").isEqualTo(CommandOutcome.done("c-2", ORDER_ID, CR, false, "e1", NOW.toEpochMilli()));
        assertThat(harness.<market.resale.support.domain.OrderCases>store(SupportTopology.ORDER_CASES_STORE).get(ORDER_ID)
                .caseIds()).containsExactly(CR);
    }

    @Test
    void aRedeliveredNonResponsiveEventLeavesOneCaseWithTheUnansweredMessagesAsEvidence() {
        var episode = nonResponsive("ep-1", "m-1", "m-2").build();

        nonResponsive.pipeInput(ORDER_ID, episode);
        nonResponsive.pipeInput(ORDER_ID, episode);
        nonResponsive.pipeInput(ORDER_ID, nonResponsive("ep-2", "m-2", "m-3").build());

        var nr = ORDER_ID + ":NR1";
        assertThat(events.readValuesToList()).extracting(CaseEvent::getCaseId, CaseEvent::getAction, CaseEvent::getActorRole,
                CaseEvent::getSummary).containsExactly(
                tuple(nr, CaseAction.OPENED, ParticipantRole.SYSTEM, "NON_RESPONSIVE_SELLER opened by SYSTEM"),
                tuple(nr, CaseAction.EVIDENCE_ADDED, ParticipantRole.SYSTEM, "message m-1 quoted by SYSTEM"),
                tuple(nr, CaseAction.EVIDENCE_ADDED, ParticipantRole.SYSTEM, "message m-2 quoted by SYSTEM"),
                tuple(nr, CaseAction.EVIDENCE_ADDED, ParticipantRole.SYSTEM, "message m-3 quoted by SYSTEM"));
        var sent = RecordMother.PLACED_AT.plusSeconds(4 * 3600).toEpochMilli();
        assertThat(kase(nr).evidence()).extracting(Evidence::kind, e -> e.message().messageId(), Evidence::text,
                e -> e.message().senderId(), e -> e.message().sentAt()).containsExactly(
                tuple(EvidenceKind.MESSAGE, "m-1", "Hello, can you cancel? (m-1)", BUYER, sent),
                tuple(EvidenceKind.MESSAGE, "m-2", "Hello, can you cancel? (m-2)", BUYER, sent),
                tuple(EvidenceKind.MESSAGE, "m-3", "Hello, can you cancel? (m-3)", BUYER, sent));
        assertThat(harness.count("cases_opened_total", "type", "NON_RESPONSIVE_SELLER", "source", "MESSAGING")).isEqualTo(1);
    }

    @Test
    void aScanAfterTheCancellationOpensADisputeOnceAndALaterScanIsAddedToIt() {
        givenTheOrder();
        var conflict = RecordMother.scanConflict().build();

        conflicts.pipeInput(ORDER_ID, conflict);
        conflicts.pipeInput(ORDER_ID, conflict);
        conflicts.pipeInput(ORDER_ID, RecordMother.scanConflict().setScanId("scan-3").build());

        var dispute = ORDER_ID + ":DI1";
        assertThat(events.readValuesToList()).extracting(CaseEvent::getCaseId, CaseEvent::getType, CaseEvent::getAction)
                .containsExactly(tuple(dispute, CaseType.DISPUTE, CaseAction.OPENED),
                        tuple(dispute, CaseType.DISPUTE, CaseAction.STATEMENT_ADDED));
        assertThat(kase(dispute).description()).isEqualTo("Carrier scan IN_TRANSIT of " + RecordMother.TRACKING_NUMBER
                + " (USPS) at 2026-11-20T11:10:00Z after the order was cancelled at 2026-11-20T11:00:00Z: the parcel must go back;"
                + " the buyer keeps the credit");
        assertThat(harness.count("cases_opened_total", "type", "DISPUTE", "source", "SHIPPING")).isEqualTo(1);
    }

    @Test
    void aScanConflictForAnOrderSupportNeverSawIsDeadLettered() {
        conflicts.pipeInput(ORDER_ID, RecordMother.scanConflict().build());

        var dead = deadLetters.readRecord();
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo(DeadLetterHeaders.UNKNOWN_ORDER);
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void aCaseGoesThroughReviewAndMediationToResolutionWithEveryActionAudited() {
        givenTheOrder();
        send(open("c-1", CaseType.DISPUTE, "Item not as described"));
        harness.advanceWallClockTo(NOW.plusSeconds(60));
        send(agent("c-2", CaseCommandAction.ASSIGN, ORDER_ID + ":DI1").setAgentId("agent-bo"));
        harness.advanceWallClockTo(NOW.plusSeconds(120));
        send(agent("c-3", CaseCommandAction.START_REVIEW, ORDER_ID + ":DI1"));
        send(agent("c-4", CaseCommandAction.START_MEDIATION, ORDER_ID + ":DI1"));
        harness.advanceWallClockTo(NOW.plusSeconds(180));
        send(statement("c-5", ORDER_ID + ":DI1", SELLER, ParticipantRole.SELLER, "It was as described"));
        send(statement("c-6", ORDER_ID + ":DI1", BUYER, ParticipantRole.BUYER, "The photos show otherwise"));
        harness.advanceWallClockTo(NOW.plusSeconds(240));
        send(resolve("c-7", ORDER_ID + ":DI1", CaseResolution.NO_CANCELLATION, "Partial refund agreed"));

        var at = (java.util.function.LongFunction<Instant>) NOW::plusSeconds;
        var id = ORDER_ID + ":DI1";
        assertThat(events.readValuesToList()).containsExactly(
                event(id, 1, CaseType.DISPUTE, CaseAction.OPENED, CaseStatus.OPEN, BUYER, ParticipantRole.BUYER,
                        "DISPUTE opened by BUYER", null, at.apply(0)),
                event(id, 2, CaseType.DISPUTE, CaseAction.ASSIGNED, CaseStatus.OPEN, AGENT, ParticipantRole.SUPPORT,
                        "assigned to agent-bo", null, at.apply(60)),
                event(id, 3, CaseType.DISPUTE, CaseAction.REVIEW_STARTED, CaseStatus.IN_REVIEW, AGENT, ParticipantRole.SUPPORT,
                        "review started", null, at.apply(120)),
                event(id, 4, CaseType.DISPUTE, CaseAction.MEDIATION_STARTED, CaseStatus.MEDIATION, AGENT,
                        ParticipantRole.SUPPORT, "mediation started", null, at.apply(120)),
                event(id, 5, CaseType.DISPUTE, CaseAction.STATEMENT_ADDED, CaseStatus.MEDIATION, SELLER,
                        ParticipantRole.SELLER, "statement added by SELLER", null, at.apply(180)),
                event(id, 6, CaseType.DISPUTE, CaseAction.STATEMENT_ADDED, CaseStatus.MEDIATION, BUYER,
                        ParticipantRole.BUYER, "statement added by BUYER", null, at.apply(180)),
                event(id, 7, CaseType.DISPUTE, CaseAction.RESOLVED, CaseStatus.RESOLVED, AGENT, ParticipantRole.SUPPORT,
                        "resolved without cancellation", CaseOutcome.RESOLVED_WITHOUT_CANCELLATION, at.apply(240)));
        var resolved = kase(id);
        assertThat(resolved.assigneeId()).isEqualTo("agent-bo");
        assertThat(resolved.resolutionReason()).isEqualTo("Partial refund agreed");
        assertThat(resolved.audit()).extracting(a -> a.actorId(), a -> a.actorRole(), a -> a.at(), a -> a.action().name())
                .contains(tuple(AGENT, ActorRole.SUPPORT, at.apply(240).toEpochMilli(), "RESOLVED"));
        // mediation: each party sees the other's statement
        assertThat(resolved.evidenceVisibleTo(ActorRole.BUYER)).extracting(Evidence::text)
                .containsExactly("It was as described", "The photos show otherwise");
        assertThat(resolved.evidenceVisibleTo(ActorRole.SELLER)).extracting(Evidence::text)
                .containsExactly("It was as described", "The photos show otherwise");
        assertThat(harness.count("cases_resolved_total", "type", "DISPUTE", "outcome", "RESOLVED_WITHOUT_CANCELLATION")).isEqualTo(1);
        assertThat(harness.meters().find("case_resolution_seconds").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(240.0);
    }

    @Test
    void invalidTransitionsAndMovesByPartiesAreRefusedWithoutAnEvent() {
        givenTheOrder();
        send(open("c-1", CaseType.CANCELLATION_REQUEST, "Wrong size"));
        events.readValuesToList();

        send(agent("c-2", CaseCommandAction.START_MEDIATION, CR));
        send(resolve("c-3", CR, CaseResolution.NO_CANCELLATION, "Nothing to do"));
        send(command("c-4", CaseCommandAction.START_REVIEW, BUYER, ParticipantRole.BUYER).setCaseId(CR));
        send(resolve("c-5", CR, CaseResolution.REJECT, "Not a support matter"));
        send(agent("c-6", CaseCommandAction.START_REVIEW, CR));
        send(statement("c-7", CR, BUYER, ParticipantRole.BUYER, "Please reconsider"));

        assertThat(List.of("c-2", "c-3", "c-4", "c-6", "c-7")).extracting(id -> outcome(id).refusal()).containsExactly(
                Refusal.INVALID_TRANSITION, Refusal.INVALID_TRANSITION, Refusal.NOT_ALLOWED, Refusal.CASE_CLOSED,
                Refusal.CASE_CLOSED);
        assertThat(events.readValuesToList()).extracting(CaseEvent::getAction, CaseEvent::getStatus, CaseEvent::getOutcome)
                .containsExactly(tuple(CaseAction.REJECTED, CaseStatus.REJECTED, CaseOutcome.REJECTED));
        assertThat(harness.count("case_commands_refused_total", "code", "invalid-transition")).isEqualTo(2);
    }

    @Test
    void beforeMediationAPartySeesOnlyItsOwnStatements() {
        givenACaseInReview();

        send(statement("c-1", CR, SELLER, ParticipantRole.SELLER, "Size was listed correctly"));

        var kase = kase(CR);
        assertThat(kase.evidenceVisibleTo(ActorRole.BUYER)).isEmpty();
        assertThat(kase.evidenceVisibleTo(ActorRole.SELLER)).extracting(Evidence::text).containsExactly("Size was listed correctly");
        assertThat(kase.evidenceVisibleTo(ActorRole.SUPPORT)).hasSize(1);
    }

    @Test
    void orderingACancellationEmitsOneSupportCommandEvenWhenTheResolutionIsRedelivered() {
        givenACaseInReview();
        var resolution = resolve("c-1", CR, CaseResolution.ORDER_CANCELLATION, "Seller confirmed the wrong size").build();

        commands.pipeInput(ORDER_ID, resolution);
        commands.pipeInput(ORDER_ID, resolution);
        send(resolve("c-2", CR, CaseResolution.ORDER_CANCELLATION, "Again"));

        assertThat(cancelCommands.readKeyValuesToList()).containsExactly(KeyValue.pair(ORDER_ID, CancelOrderCommand.newBuilder()
                .setCommandId(CR + ":cancel-1").setOrderId(ORDER_ID).setActor(Actor.SUPPORT).setActorId(AGENT)
                .setReason(CancelReason.OTHER).setNote("Seller confirmed the wrong size").setExpectedVersion(null)
                .setRequestedAt(NOW).setReference(CR).build()));
        assertThat(outcome("c-2").refusal()).isEqualTo(Refusal.CANCELLATION_PENDING);
        assertThat(events.readValuesToList()).extracting(CaseEvent::getAction, CaseEvent::getStatus)
                .containsExactly(tuple(CaseAction.CANCELLATION_ORDERED, CaseStatus.IN_REVIEW));
    }

    @Test
    void theCancellationCarriedOutByOrdersResolvesTheCaseOnce() {
        givenACaseInReview();
        send(resolve("c-1", CR, CaseResolution.ORDER_CANCELLATION, "Seller confirmed").setCancelReason(CancelReason.ITEM_UNAVAILABLE));
        events.readValuesToList();
        harness.advanceWallClockTo(NOW.plusSeconds(5));

        var carriedOut = cancelledFor(CR, NOW.plusSeconds(4)).build();
        cancelled.pipeInput(ORDER_ID, carriedOut);
        cancelled.pipeInput(ORDER_ID, carriedOut);

        assertThat(events.readValuesToList()).containsExactly(event(CR, 5, CaseType.CANCELLATION_REQUEST,
                CaseAction.CANCELLATION_CARRIED_OUT, CaseStatus.RESOLVED, "support-service", ParticipantRole.SYSTEM,
                "order cancelled by orders-service", CaseOutcome.ORDER_CANCELLED, NOW.plusSeconds(5)));
        assertThat(kase(CR).status()).isEqualTo(market.resale.support.domain.CaseStatus.RESOLVED);
        assertThat(kase(CR).pendingCancellation()).isNull();
        assertThat(harness.count("cases_resolved_total", "type", "CANCELLATION_REQUEST", "outcome", "ORDER_CANCELLED")).isEqualTo(1);
        // the order's next cancellation request opens a new case
        send(open("c-2", CaseType.CANCELLATION_REQUEST, "Another matter"));
        assertThat(events.readValuesToList()).extracting(CaseEvent::getCaseId).containsExactly(ORDER_ID + ":CR2");
    }

    @Test
    void aCancellationOrdersRefusesIsRecordedWithItsReasonAndTheAgentDecidesAgain() {
        givenACaseInReview();
        send(resolve("c-1", CR, CaseResolution.ORDER_CANCELLATION, "Seller confirmed"));
        events.readValuesToList();

        rejected.pipeInput(ORDER_ID, refusedFor(CR, NOW).build());
        send(resolve("c-2", CR, CaseResolution.ORDER_CANCELLATION, "Try again"));

        assertThat(events.readValuesToList()).extracting(CaseEvent::getAction, CaseEvent::getStatus, CaseEvent::getSummary)
                .containsExactly(tuple(CaseAction.CANCELLATION_REFUSED, CaseStatus.IN_REVIEW,
                                "cancellation refused by orders-service: ALREADY_CANCELLED: The order is already cancelled"),
                        tuple(CaseAction.CANCELLATION_ORDERED, CaseStatus.IN_REVIEW, "cancellation ordered (OTHER)"));
        assertThat(cancelCommands.readValuesToList()).extracting(CancelOrderCommand::getCommandId)
                .containsExactly(CR + ":cancel-1", CR + ":cancel-2");
    }

    @Test
    void cancellationsNotOrderedBySupportAreNotSupportsConcern() {
        givenACaseInReview();

        cancelled.pipeInput(ORDER_ID, RecordMother.orderCancelled().build());
        cancelled.pipeInput(ORDER_ID, cancelledFor("order-1:CR9", NOW).build());

        assertThat(events.isEmpty()).isTrue();
        assertThat(deadLetters.readValuesToList()).hasSize(1);
        assertThat(kase(CR).status()).isEqualTo(market.resale.support.domain.CaseStatus.IN_REVIEW);
    }

    @Test
    void anAttachedFileIsKeptByteForByteWithItsHash() {
        givenACaseInReview();

        send(file("c-1", CR, "image/png", PNG));
        send(file("c-2", CR, "image/png", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8)));

        assertThat(kase(CR).evidence()).containsExactly(Evidence.file("e1",
                new market.resale.support.domain.Actor(BUYER, ActorRole.BUYER), NOW.toEpochMilli(),
                new FileInfo("chat.png", "image/png", PNG.length, FileCheck.sha256(PNG))));
        assertThat(harness.<byte[]>store(SupportTopology.FILES_STORE).get(SupportTopology.fileKey(CR, "e1"))).isEqualTo(PNG);
        assertThat(outcome("c-1")).usingRecursiveComparison().ignoringFields("action", "fingerprint", "source").isEqualTo(CommandOutcome.done("c-1", ORDER_ID, CR, true, "e1", NOW.toEpochMilli()));
        assertThat(outcome("c-2").refusal()).isEqualTo(Refusal.FILE_TYPE_NOT_ALLOWED);
        assertThat(events.readValuesToList()).extracting(CaseEvent::getAction, CaseEvent::getSummary)
                .containsExactly(tuple(CaseAction.EVIDENCE_ADDED, "file image/png (" + PNG.length + " bytes) attached by BUYER"));
    }

    /**
     * Issue 16, point 7: a closed case's files are deleted closed-case-file-retention after it closed; the evidence entry
     * (name, size, SHA-256) stays with the case. An open case's files are never deleted.
     */
    @Test
    void theFilesOfAClosedCaseAreDeletedAfterTheirRetention() {
        givenACaseInReview();
        send(file("c-1", CR, "image/png", PNG));
        var retention = SupportSettings.defaults().closedCaseFileRetention();

        harness.advanceWallClockTo(NOW.plus(retention).plus(java.time.Duration.ofHours(2)));
        assertThat(harness.<byte[]>store(SupportTopology.FILES_STORE).get(SupportTopology.fileKey(CR, "e1"))).as("open case").isEqualTo(PNG);

        send(resolve("c-2", CR, CaseResolution.NO_CANCELLATION, "Sorted out between them"));
        var closedAt = NOW.plus(retention).plus(java.time.Duration.ofHours(2));
        harness.advanceWallClockTo(closedAt.plus(retention).minus(java.time.Duration.ofHours(2)));
        assertThat(harness.<byte[]>store(SupportTopology.FILES_STORE).get(SupportTopology.fileKey(CR, "e1"))).isEqualTo(PNG);
        harness.advanceWallClockTo(closedAt.plus(retention).plus(java.time.Duration.ofHours(2)));

        assertThat(harness.<byte[]>store(SupportTopology.FILES_STORE).get(SupportTopology.fileKey(CR, "e1"))).isNull();
        assertThat(kase(CR).evidence()).extracting(Evidence::evidenceId).containsExactly("e1");
        assertThat(harness.<String>store(SupportTopology.FILE_EXPIRY_STORE).approximateNumEntries()).isZero();
        assertThat(harness.count("case_files_expired_total")).isEqualTo(1);
    }

    /** messaging's entry {@code seq} of the order's conversation, written by {@code senderId}. */
    private void written(String orderId, long seq, String senderId, ParticipantRole role, String text) {
        conversation.pipeInput(orderId, ConversationMessage.newBuilder().setMessageId("m-" + orderId + "-" + seq)
                .setOrderId(orderId).setSeq(seq).setSenderId(senderId).setSenderRole(role).setKind(MessageKind.MESSAGE)
                .setText(text).setSentAt(SENT.plusSeconds(seq)).build());
    }

    private static final Instant SENT = RecordMother.PLACED_AT.plusSeconds(3600);

    private static CaseCommand.Builder quote(String commandId, String actorId, ParticipantRole role, String messageId,
                                             String excerpt) {
        return command(commandId, CaseCommandAction.ADD_MESSAGE, actorId, role).setCaseId(CR).setMessageId(messageId)
                .setText(excerpt);
    }

    @Test
    void aQuoteIsTheMessageAsMessagingRecordedItNotWhatThePartySaysItWas() {
        givenACaseInReview();
        written(ORDER_ID, 1, SELLER, ParticipantRole.SELLER, "I will ship tomorrow");

        send(quote("c-1", BUYER, ParticipantRole.BUYER, "m-order-1-1", "I refuse to ever ship this"));

        assertThat(kase(CR).evidence()).extracting(Evidence::kind, Evidence::authorId, Evidence::text,
                        e -> e.message().messageId(), e -> e.message().senderId(), e -> e.message().kind(), e -> e.message().sentAt())
                .containsExactly(tuple(EvidenceKind.MESSAGE, BUYER, "I will ship tomorrow", "m-order-1-1", SELLER, "MESSAGE",
                        SENT.plusSeconds(1).toEpochMilli()));
        assertThat(outcome("c-1").evidenceId()).isEqualTo("e1");
    }

    @Test
    void aMessageSupportDoesNotKnowForTheOrderIsRefusedAsUnknown() {
        givenACaseInReview();
        written("order-2", 1, SELLER, ParticipantRole.SELLER, "Another order's message");

        send(quote("c-1", BUYER, ParticipantRole.BUYER, "m-order-1-7", "The seller insulted me"));
        send(quote("c-2", BUYER, ParticipantRole.BUYER, "m-order-2-1", "Another order's message"));

        assertThat(List.of("c-1", "c-2")).extracting(id -> outcome(id).refusal())
                .containsExactly(Refusal.UNKNOWN_MESSAGE, Refusal.UNKNOWN_MESSAGE);
        assertThat(Refusal.UNKNOWN_MESSAGE.code()).isEqualTo("unknown-message");
        assertThat(Refusal.UNKNOWN_MESSAGE.kind()).isEqualTo(Refusal.Kind.UNPROCESSABLE);
        assertThat(kase(CR).evidence()).isEmpty();
        assertThat(events.readValuesToList()).isEmpty();
    }

    @Test
    void aPartyQuotingAMessageFirstDoesNotKeepTheServicesQuoteOfItOut() {
        givenTheOrder();
        written(ORDER_ID, 1, BUYER, ParticipantRole.BUYER, "Could you cancel?");
        written(ORDER_ID, 2, BUYER, ParticipantRole.BUYER, "Hello?");
        send(open("c-1", CaseType.NON_RESPONSIVE_SELLER, "No answer"));
        var nr = ORDER_ID + ":NR1";
        send(command("c-2", CaseCommandAction.ADD_MESSAGE, BUYER, ParticipantRole.BUYER).setCaseId(nr)
                .setMessageId("m-order-1-1"));

        nonResponsive.pipeInput(ORDER_ID, nonResponsive("ep-1", "m-order-1-1", "m-order-1-2").build());
        nonResponsive.pipeInput(ORDER_ID, nonResponsive("ep-1", "m-order-1-1", "m-order-1-2").build());

        assertThat(kase(nr).evidence()).extracting(e -> e.message().messageId(), Evidence::authorRole).containsExactly(
                tuple("m-order-1-1", ActorRole.BUYER), tuple("m-order-1-1", ActorRole.SYSTEM), tuple("m-order-1-2", ActorRole.SYSTEM));
    }

    @Test
    void supportKeepsTheLatestEntriesOfEachOrderOneStoreEntryEach() {
        harness.close();
        var d = SupportSettings.defaults();
        start(new SupportSettings(d.decisionWait(), d.maxFileSize(), d.allowedFileTypes(), d.maxFilesPerCase(),
                d.maxEvidencePerCase(), d.outcomeRetention(), d.backlogRefresh(), 3, d.closedCaseFileRetention()));
        givenACaseInReview();
        for (var seq = 1; seq <= 5; seq++) {
            written(ORDER_ID, seq, BUYER, ParticipantRole.BUYER, "Entry " + seq);
        }

        send(quote("c-1", BUYER, ParticipantRole.BUYER, "m-order-1-2", null));
        send(quote("c-2", BUYER, ParticipantRole.BUYER, "m-order-1-3", null));

        var kept = new java.util.ArrayList<String>();
        try (var it = harness.<market.resale.support.domain.ConversationEntry>store(SupportTopology.MESSAGES_STORE).all()) {
            it.forEachRemaining(kv -> kept.add(kv.key));
        }
        assertThat(kept).containsExactlyInAnyOrder("order-1|m-order-1-3", "order-1|m-order-1-4", "order-1|m-order-1-5");
        assertThat(outcome("c-1").refusal()).isEqualTo(Refusal.UNKNOWN_MESSAGE);
        assertThat(outcome("c-2").accepted()).isTrue();
    }

    @Test
    void aConversationEntryNotKeyedByItsOrderIsDeadLettered() {
        written("order-2", 1, BUYER, ParticipantRole.BUYER, "Hi");
        conversation.pipeInput("another-key", ConversationMessage.newBuilder().setMessageId("m-order-2-2").setOrderId("order-2")
                .setSeq(2).setSenderId(BUYER).setSenderRole(ParticipantRole.BUYER).setKind(MessageKind.MESSAGE).setText("Hi")
                .setSentAt(SENT).build());

        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactly(DeadLetters.INVALID);
    }

    @Test
    void anAnswerRemembersWhichRequestItAnswers() {
        givenTheOrder();
        var opening = open("c-1", CaseType.COMPLAINT, "Rude messages").build();

        commands.pipeInput(ORDER_ID, opening);

        var outcome = outcome("c-1");
        assertThat(outcome.action()).isEqualTo("OPEN");
        assertThat(outcome.answers("OPEN", CaseRecords.fingerprint(opening))).isTrue();
        assertThat(outcome.answers("OPEN", CaseRecords.fingerprint(open("c-1", CaseType.COMPLAINT, "Other").build()))).isFalse();
        assertThat(outcome.answers("ADD_MESSAGE", CaseRecords.fingerprint(opening))).isFalse();
        // the command id, actor and time are not part of what was asked
        assertThat(CaseRecords.fingerprint(open("c-9", CaseType.COMPLAINT, "Rude messages").setRequestedAt(NOW.plusSeconds(5)).build()))
                .isEqualTo(CaseRecords.fingerprint(opening));
    }

    @Test
    void aQuotedMessageIsEvidenceOnceHoweverOftenItIsQuoted() {
        givenACaseInReview();
        written(ORDER_ID, 9, SELLER, ParticipantRole.SELLER, "I will ship tomorrow");

        send(command("c-1", CaseCommandAction.ADD_MESSAGE, BUYER, ParticipantRole.BUYER).setCaseId(CR)
                .setMessageId("m-order-1-9").setText("I will ship tomorrow"));
        send(command("c-2", CaseCommandAction.ADD_MESSAGE, BUYER, ParticipantRole.BUYER).setCaseId(CR)
                .setMessageId("m-order-1-9").setText("I will ship tomorrow"));

        assertThat(events.readValuesToList()).extracting(CaseEvent::getAction).containsExactly(CaseAction.EVIDENCE_ADDED);
        assertThat(outcome("c-2")).usingRecursiveComparison().ignoringFields("action", "fingerprint", "source").isEqualTo(CommandOutcome.done("c-2", ORDER_ID, CR, false, "e1", NOW.toEpochMilli()));
    }

    @Test
    void poisonAndInvalidRecordsAreDeadLetteredAndTheNextRecordIsProcessed() {
        for (var topic : List.of(Topics.ORDER_PLACED, Topics.SELLER_NON_RESPONSIVE, Topics.CASE_COMMANDS)) {
            harness.rawInput(topic).pipeInput(ORDER_ID, "{\"json\":true}".getBytes(StandardCharsets.UTF_8));
        }
        placed.pipeInput("another-key", RecordMother.orderPlaced().build());
        commands.pipeInput("another-key", file("c-x", CR, "image/png", java.util.Arrays.copyOf(PNG, 100_000)).build());

        var dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).containsExactly(
                DeadLetters.NOT_DESERIALIZABLE, DeadLetters.NOT_DESERIALIZABLE, DeadLetters.NOT_DESERIALIZABLE,
                DeadLetters.INVALID, DeadLetters.INVALID);
        // the refused command goes as it arrived, its file with it (dead-letter topics take the catalogue's largest records)
        assertThat(dead.getLast().value().length).isGreaterThan(100_000);
        assertThat(dead.getLast().key()).isEqualTo("another-key");

        givenTheOrder();
        send(open("c-1", CaseType.COMPLAINT, "Still works"));
        assertThat(events.readValuesToList()).hasSize(1);
    }

    /** The service README shows the topology this code builds, every output a named sink (Topology.describe()). */
    @org.junit.jupiter.api.Test
    void theReadmeShowsThisTopology() throws Exception {
        harness.assertReadmeShowsTopology(java.nio.file.Path.of("README.md"));
    }
}
