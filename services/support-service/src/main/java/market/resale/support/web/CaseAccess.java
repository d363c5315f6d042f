package market.resale.support.web;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.support.CaseCommand;
import market.resale.schemas.support.CaseCommandAction;
import market.resale.schemas.support.CaseSummary;
import market.resale.schemas.topics.Topics;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.ActorRole;
import market.resale.support.domain.CaseIds;
import market.resale.support.domain.CommandOutcome;
import market.resale.support.domain.OrderCases;
import market.resale.support.domain.SupportCase;
import market.resale.support.stream.CaseRecords;
import market.resale.support.stream.SupportTopology;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What every case endpoint shares: finding a case's order (and so its owner instance), deciding
 * who the caller is to the case, and turning a request into a command whose outcome the order's
 * processor records in the owner's local store.
 */
@Component
public class CaseAccess {

    private final KeyOwnerRouter router;
    private final EventPublisher publisher;
    private final SupportSettings settings;
    private final Clock clock;
    private final CommandFlow commands;

    public CaseAccess(KeyOwnerRouter router, EventPublisher publisher, SupportSettings settings, Clock clock,
                      CommandFlow commands) {
        this.commands = commands;
        this.router = router;
        this.publisher = publisher;
        this.settings = settings;
        this.clock = clock;
    }

    /** The order a case belongs to; 404 for anything that is not the id of a known case. */
    public String orderIdOf(String caseId) {
        OwnerRouting.checkId(caseId);
        if (!CaseIds.wellFormed(caseId)) {
            throw notFound(caseId);
        }
        return CaseIds.orderIdOf(caseId).orElseGet(() -> Optional.ofNullable(
                        router.<CaseSummary>localStore(SupportTopology.SUMMARIES_STORE).get(caseId))
                .map(CaseSummary::getOrderId).orElseThrow(() -> notFound(caseId)));
    }

    /** The case, if the caller may read it: its buyer, its seller or support. Anyone else: 404, as if it did not exist. */
    public SupportCase visibleCase(String caseId, Caller caller) {
        var kase = localCase(caseId);
        if (kase == null || viewer(kase, caller) == null) {
            throw notFound(caseId);
        }
        return kase;
    }

    public SupportCase localCase(String caseId) {
        return router.<SupportCase>localStore(SupportTopology.CASES_STORE).get(caseId);
    }

    public OrderCases localOrder(String orderId) {
        return router.<OrderCases>localStore(SupportTopology.ORDER_CASES_STORE).get(orderId);
    }

    /** Who the caller is to the case: support sees all of it; a party, its own part (and more in mediation). */
    public static ActorRole viewer(SupportCase kase, Caller caller) {
        if (caller.is(Role.SUPPORT)) {
            return ActorRole.SUPPORT;
        }
        return party(caller, kase.buyerId(), kase.sellerId());
    }

    public static ActorRole party(Caller caller, String buyerId, String sellerId) {
        if (caller.is(Role.BUYER) && caller.userId().equals(buyerId)) {
            return ActorRole.BUYER;
        }
        if (caller.is(Role.SELLER) && caller.userId().equals(sellerId)) {
            return ActorRole.SELLER;
        }
        return null;
    }

    /** Moving a case is support's; a party who can read it hears 403, anyone else 404. */
    public SupportCase movableCase(String caseId, Caller caller) {
        var kase = visibleCase(caseId, caller);
        if (!caller.is(Role.SUPPORT)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Only a support agent assigns, moves or resolves a case");
        }
        return kase;
    }

    /** Command ids are the caller's: a key can only ever answer for the user who sent it. */
    public String commandId(Caller caller, String idempotencyKey) {
        return CommandFlow.commandId(caller.userId(), idempotencyKey);
    }

    public CaseCommand.Builder command(String commandId, String orderId, String caseId, CaseCommandAction action,
                                       Caller caller, ActorRole role) {
        return CaseCommand.newBuilder().setCommandId(commandId).setOrderId(orderId).setCaseId(caseId).setAction(action)
                .setActorId(caller.userId()).setActorRole(CaseRecords.role(role)).setRequestedAt(clock.instant());
    }

    /** A recorded outcome once it is committed; empty while it may still be taken back, or when none is recorded. */
    public Mono<Optional<CommandOutcome>> committed(CommandOutcome outcome) {
        return commands.committed(outcome, CommandOutcome::source);
    }

    public CommandOutcome outcome(String orderId, String commandId) {
        return router.<CommandOutcome>localStore(SupportTopology.OUTCOMES_STORE).get(SupportTopology.outcomeKey(orderId, commandId));
    }

    /**
     * Stores the command (unless this command id was decided already) and answers with its outcome,
     * or 202 with where to ask when the processor has not decided within {@code decision-wait}. An
     * outcome recorded for another request under the same Idempotency-Key (another endpoint, case or
     * body) is not this request's answer: {@code 422 idempotency-key-reused}.
     */
    public Mono<ResponseEntity<?>> submit(CaseCommand command, Function<CommandOutcome, ResponseEntity<?>> answerOf) {
        var orderId = command.getOrderId();
        var commandId = command.getCommandId();
        var action = command.getAction().name();
        var fingerprint = CaseRecords.fingerprint(command);
        var outcomes = new CommandFlow.Outcomes<CommandOutcome>(() -> Optional.ofNullable(outcome(orderId, commandId)),
                CommandOutcome::source, outcome -> outcome.answers(action, fingerprint));
        return commands.submit(() -> publisher.publish(Topics.CASE_COMMANDS, orderId, command),
                        "Retry shortly (with the same Idempotency-Key).", outcomes, settings.decisionWait())
                .map(found -> found.<ResponseEntity<?>>map(answerOf).orElseGet(() -> ResponseEntity.accepted()
                        .location(URI.create(commandUrl(orderId, commandId)))
                        .body(new CaseViews.Pending(commandId, orderId, command.getCaseId(), "PENDING"))));
    }

    /** 201 with the evidence a write added (Location: the file, or the case), 200 when it was there already. */
    public ResponseEntity<?> evidenceAnswer(CommandOutcome outcome) {
        if (!outcome.accepted()) {
            throw problem(outcome);
        }
        var kase = localCase(outcome.caseId());
        var view = CaseViews.of(kase.caseId(), kase.evidence(outcome.evidenceId()));
        if (!outcome.created()) {
            return ResponseEntity.ok(view);
        }
        var location = view.file() != null ? view.file().url() : CaseViews.caseUrl(kase.caseId());
        return ResponseEntity.created(URI.create(location)).body(view);
    }

    public static String commandUrl(String orderId, String commandId) {
        return "/orders/" + orderId + "/case-commands/" + commandId;
    }

    /** A refused command as problem+json, with the stable code of its refusal. */
    public static ApiProblem problem(CommandOutcome outcome) {
        var status = switch (outcome.refusal().kind()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNSUPPORTED_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case BAD_REQUEST -> HttpStatus.BAD_REQUEST;
        };
        var problem = new ApiProblem(status, outcome.refusal().code(), outcome.detail());
        if (outcome.caseId() != null && status != HttpStatus.NOT_FOUND) {
            problem.with("caseId", outcome.caseId());
        }
        return problem;
    }


    public static ApiProblem notFound(String caseId) {
        return ApiProblem.notFound("Case " + caseId);
    }
}
