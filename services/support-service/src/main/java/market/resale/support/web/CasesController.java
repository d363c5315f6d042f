package market.resale.support.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.support.CaseCommandAction;
import market.resale.schemas.support.CaseSummary;
import market.resale.support.domain.ActorRole;
import market.resale.support.domain.CaseStatus;
import market.resale.support.domain.CaseType;
import market.resale.support.domain.CommandOutcome;
import market.resale.support.domain.Resolution;
import market.resale.support.stream.CaseRecords;
import market.resale.support.stream.SupportTopology;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Help-center cases (rule 11): parties open them and add statements and quoted messages; support
 * agents list them, assign, review, mediate and resolve. Every request about a case is answered by
 * the instance that owns its order's partition; lists come from the global case table on any instance.
 */
@RestController
@Validated
public class CasesController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How every write answers, for the API document. */
    static final String WRITES = "Send an Idempotency-Key: a retry with the same key gets the first answer. Not decided "
            + "within a few seconds: 202, follow the Location header (`/orders/{orderId}/case-commands/{commandId}`).";

    public record OpenBody(@NotBlank @Pattern(regexp = OwnerRouting.ID) String orderId, @NotNull CaseType type,
                           @NotBlank @Size(max = 4000) String description) {
    }

    public record StatementBody(@NotBlank @Size(max = 4000) String text) {
    }

    /**
     * A message of the order's conversation, by id. The quote is taken from the message itself (sender,
     * text, time); {@code excerpt}, accepted for older clients, is not what is quoted.
     */
    public record MessageBody(@NotBlank @Pattern(regexp = OwnerRouting.ID) String messageId,
                              @Size(max = 1000) String excerpt) {
    }

    public record AssignmentBody(@NotBlank @Pattern(regexp = OwnerRouting.ID) String agentId) {
    }

    public record ResolutionBody(@NotNull Resolution outcome, @NotBlank @Size(max = 1000) String reason,
                                 CancelReason cancelReason) {
    }

    private final KeyOwnerRouter router;
    private final OwnerRouting routing;
    private final CaseAccess access;
    private final Clock clock;

    public CasesController(KeyOwnerRouter router, OwnerRouting routing, CaseAccess access, Clock clock) {
        this.router = router;
        this.routing = routing;
        this.access = access;
        this.clock = clock;
    }

    /** 201 with the new case, or 200 with the open case of that order and type the description was added to. */
    @Operation(summary = "Open a help-center case about an order (its buyer or seller); if a case of that order and type "
            + "is open, the description is added to it as the caller's statement instead",
            description = WRITES)
    @ApiResponse(responseCode = "201", description = "Opened; Location: the case",
            content = @Content(schema = @Schema(implementation = CaseViews.CaseView.class)))
    @ApiResponse(responseCode = "200", description = "Added to the open case of that order and type",
            content = @Content(schema = @Schema(implementation = CaseViews.CaseView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "404", description = "`not-found`: no such order, or the caller is not its buyer or seller")
    @ApiResponse(responseCode = "409", description = "Refused: `evidence-limit-reached` (the open case takes no more statements)")
    @ApiResponse(responseCode = "422", description = "`case-type-not-allowed`: the caller's side cannot open this type; "
            + "`idempotency-key-reused`: the key answered another request")
    @PostMapping(path = "/cases", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> open(@Valid @RequestBody OpenBody body,
                                        @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                        Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        if (!caller.is(Role.BUYER) && !caller.is(Role.SELLER)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Cases are opened by the order's buyer or seller");
        }
        var commandId = access.commandId(caller, idempotencyKey);
        return routing.answer(SupportTopology.ORDER_CASES_STORE, body.orderId(), request, JSON.writeValueAsBytes(body), () -> {
            var order = access.localOrder(body.orderId());
            var role = order == null ? null : CaseAccess.party(caller, order.buyerId(), order.sellerId());
            if (role == null) {
                throw ApiProblem.notFound("Order " + body.orderId());
            }
            if (!body.type().openableBy(role)) {
                throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "case-type-not-allowed",
                        "A " + role.name().toLowerCase() + " cannot open a " + body.type() + " case");
            }
            var command = access.command(commandId, body.orderId(), null, CaseCommandAction.OPEN, caller, role)
                    .setCaseType(CaseRecords.type(body.type()))
                    .setText(body.description()).build();
            return access.submit(command, outcome -> caseAnswer(outcome, caller, outcome.created() ? HttpStatus.CREATED : HttpStatus.OK));
        });
    }

    @Operation(summary = "One case: status, parties, assignee, outcome, pending cancellation, the evidence the caller may see "
            + "and the audit (the order's buyer or seller, or support)")
    @ApiResponse(responseCode = "200", description = "The case", content = @Content(schema = @Schema(implementation = CaseViews.CaseView.class)))
    @GetMapping("/cases/{caseId}")
    public Mono<ResponseEntity<?>> get(@PathVariable String caseId, Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(SupportTopology.ORDER_CASES_STORE, access.orderIdOf(caseId), request, null, () -> {
            var kase = access.visibleCase(caseId, caller);
            return Mono.just(ResponseEntity.ok(CaseViews.of(kase, CaseAccess.viewer(kase, caller))));
        });
    }

    /**
     * Agents: every case, filtered by status, type, assignee ({@code none} for unassigned) and age
     * ({@code olderThan=PT24H}), oldest first. Parties: their own cases, same filters except assignee.
     */
    @Operation(summary = "Cases, oldest first, by status, type, age and (support only) assignee: support sees every case, "
            + "a buyer or seller their own")
    @ApiResponse(responseCode = "200", description = "A page of case summaries, with the total",
            content = @Content(schema = @Schema(implementation = CaseViews.Page.class)))
    @GetMapping("/cases")
    public ResponseEntity<?> list(@RequestParam(required = false) List<CaseStatus> status,
                                  @RequestParam(required = false) CaseType type,
                                  @RequestParam(required = false) String assignee,
                                  @RequestParam(required = false) Duration olderThan,
                                  @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
                                  @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                                  Authentication auth) {
        var caller = Caller.of(auth);
        var agent = caller.is(Role.SUPPORT);
        if (!agent && !caller.is(Role.BUYER) && !caller.is(Role.SELLER)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Cases are listed for their parties and support agents");
        }
        if (assignee != null && !agent) {
            throw ApiProblem.invalidField("invalid-request", "assignee", "Only support agents filter by assignee");
        }
        if (olderThan != null && olderThan.isNegative()) {
            throw ApiProblem.invalidField("invalid-request", "olderThan", "olderThan is a positive ISO-8601 duration such as PT24H");
        }
        if (status != null && status.contains(null)) {
            // Blank or control characters convert to no constant at all.
            throw ApiProblem.invalidField("invalid-request", "status", "status is one of " + java.util.Arrays.toString(CaseStatus.values()));
        }
        long openedBefore;
        try {
            openedBefore = olderThan == null ? Long.MAX_VALUE : Math.subtractExact(clock.millis(), olderThan.toMillis());
        } catch (ArithmeticException tooLong) {
            throw ApiProblem.invalidField("invalid-request", "olderThan", "olderThan is too long");
        }
        var matching = new ArrayList<CaseSummary>();
        try (var all = router.<CaseSummary>localStore(SupportTopology.SUMMARIES_STORE).all()) {
            all.forEachRemaining(kv -> {
                var s = kv.value;
                var mine = agent || CaseAccess.party(caller, s.getBuyerId(), s.getSellerId()) != null;
                if (mine && (status == null || status.isEmpty() || status.stream().anyMatch(st -> st.name().equals(s.getStatus().name())))
                        && (type == null || type.name().equals(s.getType().name()))
                        && (assignee == null || (assignee.equals("none") ? s.getAssigneeId() == null : assignee.equals(s.getAssigneeId())))
                        && s.getOpenedAt().toEpochMilli() <= openedBefore) {
                    matching.add(s);
                }
            });
        }
        matching.sort(Comparator.comparing(CaseSummary::getOpenedAt).thenComparing(CaseSummary::getCaseId));
        var from = (int) Math.min(matching.size(), (long) page * size);
        var to = Math.min(matching.size(), from + size);
        var lines = matching.subList(from, to).stream()
                .map(s -> CaseViews.of(s, agent ? ActorRole.SUPPORT : CaseAccess.party(caller, s.getBuyerId(), s.getSellerId()))).toList();
        return ResponseEntity.ok(new CaseViews.Page(lines, page, size, matching.size(), to < matching.size()));
    }

    @Operation(summary = "Add a statement to an open case (the order's buyer or seller, or support)", description = WRITES)
    @ApiResponse(responseCode = "201", description = "Added; Location: the case",
            content = @Content(schema = @Schema(implementation = CaseViews.EvidenceView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `case-closed`, `evidence-limit-reached`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping(path = "/cases/{caseId}/statements", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> statement(@PathVariable String caseId, @Valid @RequestBody StatementBody body,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                             Authentication auth, ServerHttpRequest request) {
        return evidence(caseId, idempotencyKey, auth, request, JSON.writeValueAsBytes(body), CaseCommandAction.ADD_STATEMENT,
                command -> command.setText(body.text()));
    }

    @Operation(summary = "Quote a message of the order's conversation, by id, as evidence on an open case (the order's buyer "
            + "or seller, or support); the quote is the message as it was written",
            description = WRITES)
    @ApiResponse(responseCode = "201", description = "Quoted; Location: the case",
            content = @Content(schema = @Schema(implementation = CaseViews.EvidenceView.class)))
    @ApiResponse(responseCode = "200", description = "The caller had quoted that message already: that quote",
            content = @Content(schema = @Schema(implementation = CaseViews.EvidenceView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `case-closed`, `evidence-limit-reached`")
    @ApiResponse(responseCode = "422", description = "`unknown-message`: not among the latest entries of the order's conversation "
            + "support has read; `idempotency-key-reused`: the key answered another request")
    @PostMapping(path = "/cases/{caseId}/evidence/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> message(@PathVariable String caseId, @Valid @RequestBody MessageBody body,
                                           @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                           Authentication auth, ServerHttpRequest request) {
        return evidence(caseId, idempotencyKey, auth, request, JSON.writeValueAsBytes(body), CaseCommandAction.ADD_MESSAGE,
                command -> command.setMessageId(body.messageId()).setText(body.excerpt()));
    }

    @Operation(summary = "Assign an open case to a support agent (support only)", description = WRITES)
    @ApiResponse(responseCode = "200", description = "The case", content = @Content(schema = @Schema(implementation = CaseViews.CaseView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `case-closed`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping(path = "/cases/{caseId}/assignment", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> assign(@PathVariable String caseId, @Valid @RequestBody AssignmentBody body,
                                          @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                          Authentication auth, ServerHttpRequest request) {
        return move(caseId, idempotencyKey, auth, request, JSON.writeValueAsBytes(body), CaseCommandAction.ASSIGN,
                command -> command.setAgentId(body.agentId()));
    }

    @Operation(summary = "Start reviewing an open case, assigning it to the caller if nobody has it (support only)",
            description = WRITES)
    @ApiResponse(responseCode = "200", description = "The case, IN_REVIEW",
            content = @Content(schema = @Schema(implementation = CaseViews.CaseView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `invalid-transition`, `case-closed`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping("/cases/{caseId}/review")
    public Mono<ResponseEntity<?>> review(@PathVariable String caseId,
                                          @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                          Authentication auth, ServerHttpRequest request) {
        return move(caseId, idempotencyKey, auth, request, null, CaseCommandAction.START_REVIEW, command -> command);
    }

    @Operation(summary = "Start mediation of a case in review: both parties add statements and see each other's (support only)",
            description = WRITES)
    @ApiResponse(responseCode = "200", description = "The case, in MEDIATION",
            content = @Content(schema = @Schema(implementation = CaseViews.CaseView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `invalid-transition`, `case-closed`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping("/cases/{caseId}/mediation")
    public Mono<ResponseEntity<?>> mediation(@PathVariable String caseId,
                                             @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                             Authentication auth, ServerHttpRequest request) {
        return move(caseId, idempotencyKey, auth, request, null, CaseCommandAction.START_MEDIATION, command -> command);
    }

    /**
     * 200 with the resolved or rejected case; 202 when a cancellation was ordered: the case is
     * resolved once orders-service carries it out (or records orders' refusal for the agent).
     */
    @Operation(summary = "Resolve a case: reject it, resolve it without cancellation, or order the order's cancellation, "
            + "which orders-service carries out at any stage (support only)",
            description = WRITES + " ORDER_CANCELLATION answers 202 with the case (`cancellation.status` PENDING, Location: "
                    + "the case): it is resolved once orders-service has cancelled the order, or records orders' refusal "
                    + "for the agent.")
    @ApiResponse(responseCode = "200", description = "The case, RESOLVED or REJECTED",
            content = @Content(schema = @Schema(implementation = CaseViews.CaseView.class)))
    @ApiResponse(responseCode = "202", description = "Cancellation ordered: the case, with its pending cancellation; or stored, "
            + "not decided yet: follow the Location header",
            content = @Content(schema = @Schema(oneOf = {CaseViews.CaseView.class, CaseViews.Pending.class})))
    @ApiResponse(responseCode = "409", description = "Refused: `invalid-transition`, `cancellation-pending`, `case-closed`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping(path = "/cases/{caseId}/resolution", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> resolve(@PathVariable String caseId, @Valid @RequestBody ResolutionBody body,
                                           @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                           Authentication auth, ServerHttpRequest request) {
        return move(caseId, idempotencyKey, auth, request, JSON.writeValueAsBytes(body), CaseCommandAction.RESOLVE,
                command -> command.setResolution(CaseRecords.resolution(body.outcome())).setText(body.reason())
                        .setCancelReason(body.cancelReason()));
    }

    /** Where a write answered 202 can be followed up (the caller's own command ids only). */
    @Operation(summary = "What became of a case write that was answered 202 (the caller's own commands only)")
    @ApiResponse(responseCode = "200", description = "Done; `case` is the case's URL",
            content = @Content(schema = @Schema(implementation = CaseViews.CommandDone.class)))
    @ApiResponse(responseCode = "202", description = "Not decided yet: ask again shortly",
            content = @Content(schema = @Schema(implementation = CaseViews.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `case-closed`, `invalid-transition`, `cancellation-pending`, "
            + "`evidence-limit-reached`")
    @ApiResponse(responseCode = "422", description = "Refused: `case-type-not-allowed`, `unknown-message`")
    @GetMapping("/orders/{orderId}/case-commands/{commandId}")
    public Mono<ResponseEntity<?>> command(@PathVariable String orderId, @PathVariable String commandId,
                                           Authentication auth, ServerHttpRequest request) {
        CommandFlow.requireOwn(Caller.of(auth).userId(), commandId);
        return routing.answer(SupportTopology.ORDER_CASES_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            return access.committed(access.outcome(orderId, commandId)).map(found -> {
                if (found.isEmpty()) {
                    return ResponseEntity.accepted().body(new CaseViews.Pending(commandId, orderId, null, "PENDING"));
                }
                var outcome = found.get();
                if (!outcome.accepted()) {
                    throw CaseAccess.problem(outcome);
                }
                return ResponseEntity.ok(Map.of("commandId", commandId, "orderId", orderId, "caseId", outcome.caseId(),
                        "status", "DONE", "case", CaseViews.caseUrl(outcome.caseId())));
            });
        });
    }

    private Mono<ResponseEntity<?>> evidence(String caseId, String idempotencyKey, Authentication auth,
                                             ServerHttpRequest request, byte[] body, CaseCommandAction action,
                                             Function<market.resale.schemas.support.CaseCommand.Builder,
                                                     market.resale.schemas.support.CaseCommand.Builder> fill) {
        var caller = Caller.of(auth);
        var commandId = access.commandId(caller, idempotencyKey);
        var orderId = access.orderIdOf(caseId);
        return routing.answer(SupportTopology.ORDER_CASES_STORE, orderId, request, body, () -> {
            var kase = access.visibleCase(caseId, caller);
            var command = fill.apply(access.command(commandId, orderId, caseId, action, caller, CaseAccess.viewer(kase, caller)))
                    .build();
            return access.submit(command, access::evidenceAnswer);
        });
    }

    private Mono<ResponseEntity<?>> move(String caseId, String idempotencyKey, Authentication auth, ServerHttpRequest request,
                                         byte[] body, CaseCommandAction action,
                                         Function<market.resale.schemas.support.CaseCommand.Builder,
                                                 market.resale.schemas.support.CaseCommand.Builder> fill) {
        var caller = Caller.of(auth);
        var commandId = access.commandId(caller, idempotencyKey);
        var orderId = access.orderIdOf(caseId);
        return routing.answer(SupportTopology.ORDER_CASES_STORE, orderId, request, body, () -> {
            access.movableCase(caseId, caller);
            var command = fill.apply(access.command(commandId, orderId, caseId, action, caller, ActorRole.SUPPORT)).build();
            return access.submit(command, outcome -> {
                var answer = caseAnswer(outcome, caller, HttpStatus.OK);
                var kase = access.localCase(outcome.caseId());
                return kase.pendingCancellation() != null && action == CaseCommandAction.RESOLVE
                        ? ResponseEntity.accepted().location(URI.create(CaseViews.caseUrl(kase.caseId()))).body(answer.getBody())
                        : answer;
            });
        });
    }

    private ResponseEntity<?> caseAnswer(CommandOutcome outcome, Caller caller, HttpStatus status) {
        if (!outcome.accepted()) {
            throw CaseAccess.problem(outcome);
        }
        var kase = access.localCase(outcome.caseId());
        var view = CaseViews.of(kase, CaseAccess.viewer(kase, caller));
        var response = ResponseEntity.status(status);
        if (status == HttpStatus.CREATED) {
            response.location(URI.create(CaseViews.caseUrl(kase.caseId())));
        }
        return response.body(view);
    }
}
