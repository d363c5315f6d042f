package market.resale.messaging.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.CommandOutcome;
import market.resale.messaging.domain.Conversation;
import market.resale.messaging.domain.Message;
import market.resale.messaging.domain.Party;
import market.resale.messaging.domain.Refusal;
import market.resale.messaging.stream.MessagingTopology;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.messaging.ConversationAction;
import market.resale.schemas.messaging.ConversationCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.topics.CancelReasons;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
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
 * An order's conversation and its cancellation requests. Its buyer and seller read and write it,
 * support agents read it; anyone else gets 404 whether the order exists or not. Every request is
 * answered by the instance that owns the order's partition; a write is stored as a command and
 * answered with what the conversation processor made of it (or 202 when it takes longer).
 */
@RestController
@Validated
public class ConversationController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How every write answers, for the API document. */
    private static final String WRITES = "Send an Idempotency-Key: a retry with the same key gets the first answer. "
            + "Not decided within a few seconds: 202, follow the Location header.";

    public record MessageBody(@NotBlank String text) {
    }

    public record CancellationRequestBody(@NotNull CancelReason reason, String note) {
    }

    public record AnswerBody(String note) {
    }

    private final KeyOwnerRouter router;
    private final OwnerRouting routing;
    private final EventPublisher publisher;
    private final MessagingSettings settings;
    private final Clock clock;
    private final CommandFlow commands;

    public ConversationController(KeyOwnerRouter router, OwnerRouting routing, EventPublisher publisher,
                                  MessagingSettings settings, Clock clock, CommandFlow commands) {
        this.commands = commands;
        this.router = router;
        this.routing = routing;
        this.publisher = publisher;
        this.settings = settings;
        this.clock = clock;
    }

    @Operation(summary = "The order's buyer-seller conversation, oldest first (its buyer or seller, or support)")
    @ApiResponse(responseCode = "200", description = "A page of the conversation's entries",
            content = @Content(schema = @Schema(implementation = Views.ConversationView.class)))
    @GetMapping("/orders/{orderId}/conversation")
    public Mono<ResponseEntity<?>> conversation(@PathVariable String orderId,
                                                @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
                                                @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size,
                                                Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(MessagingTopology.CONVERSATIONS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            var conversation = visible(orderId, caller);
            var lines = new ArrayList<Views.MessageView>();
            long skip = (long) page * size;
            var hasMore = false;
            try (var it = router.<Message>localStore(MessagingTopology.MESSAGES_STORE)
                    .prefixScan(MessagingTopology.messagePrefix(orderId), Serdes.String().serializer())) {
                while (it.hasNext()) {
                    var message = it.next().value;
                    if (skip > 0) {
                        skip--;
                    } else if (lines.size() < size) {
                        lines.add(Views.of(message));
                    } else {
                        hasMore = true;
                        break;
                    }
                }
            }
            return Mono.just(ResponseEntity.ok(new Views.ConversationView(orderId, conversation.buyerId(),
                    conversation.sellerId(), lines, page, size, hasMore)));
        });
    }

    @Operation(summary = "One entry of the order's conversation, by its sequence number (the order's buyer or seller, or support)")
    @ApiResponse(responseCode = "200", description = "The entry", content = @Content(schema = @Schema(implementation = Views.MessageView.class)))
    @GetMapping("/orders/{orderId}/conversation/messages/{seq}")
    public Mono<ResponseEntity<?>> message(@PathVariable String orderId, @PathVariable long seq, Authentication auth,
                                           ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(MessagingTopology.CONVERSATIONS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            visible(orderId, caller);
            var message = message(orderId, seq);
            if (message == null) {
                throw ApiProblem.notFound("Message");
            }
            return Mono.just(ResponseEntity.ok(Views.of(message)));
        });
    }

    @Operation(summary = "Write a message in the order's conversation (its buyer with role BUYER, or its seller with role SELLER)",
            description = WRITES)
    @ApiResponse(responseCode = "201", description = "Posted; Location: the entry",
            content = @Content(schema = @Schema(implementation = Views.MessageView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = Views.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `conversation-limit-reached`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping(path = "/orders/{orderId}/conversation/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> post(@PathVariable String orderId, @Valid @RequestBody MessageBody body,
                                        @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                        Authentication auth, ServerHttpRequest request) {
        if (body.text().length() > settings.maxMessageLength()) {
            throw ApiProblem.invalidField("message-too-long", "text", "A message has at most " + settings.maxMessageLength() + " characters");
        }
        var write = new Write(ConversationAction.POST_MESSAGE, null, body.text(), null);
        return write(orderId, Caller.of(auth), idempotencyKey, request, body, write, outcome -> {
            var message = message(orderId, outcome.seq());
            return ResponseEntity.created(URI.create("/orders/" + orderId + "/conversation/messages/" + message.seq()))
                    .body(Views.of(message));
        }, commandId -> pending(orderId, commandId));
    }

    @Operation(summary = "Ask the seller to cancel the order (its buyer only, once their own 3-hour cancellation window has "
            + "closed and before shipping)",
            description = WRITES)
    @ApiResponse(responseCode = "201", description = "Requested, PENDING the seller's answer; Location: the request",
            content = @Content(schema = @Schema(implementation = Views.RequestView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = Views.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `window-still-open` (with `cancelYourself`), `already-shipped` "
            + "(with `trackingNumber`), `already-cancelled`, `request-pending` (with the open `requestId`), "
            + "`request-limit-reached`, `conversation-limit-reached`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request; "
            + "`reason-not-allowed`: not one of a buyer's reasons (`allowedReasons`)")
    @PostMapping(path = "/orders/{orderId}/cancellation-requests", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> requestCancellation(@PathVariable String orderId, @Valid @RequestBody CancellationRequestBody body,
                                                       @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                                       Authentication auth, ServerHttpRequest request) {
        checkNote(body.note());
        if (!CancelReasons.BUYER.contains(body.reason().name())) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "reason-not-allowed", "A buyer cannot ask to cancel for "
                    + body.reason() + "; the reasons allowed are " + String.join(", ", CancelReasons.BUYER) + ".")
                    .with("fields", java.util.Map.of("reason", "not one of " + String.join(", ", CancelReasons.BUYER)))
                    .with("allowedReasons", CancelReasons.BUYER);
        }
        var write = new Write(ConversationAction.REQUEST_CANCELLATION, Party.BUYER, body.note(), body.reason());
        return write(orderId, Caller.of(auth), idempotencyKey, request, body, write,
                outcome -> ResponseEntity.created(requestUri(orderId, outcome.requestId())).body(requestView(orderId, outcome.requestId())),
                commandId -> pending(orderId, commandId));
    }

    @Operation(summary = "What became of a conversation write that was answered 202 (the caller's own commands only)",
            description = "A decision is shown once it is committed; until then the write is PENDING.")
    @ApiResponse(responseCode = "200", description = "Done: the message's entry, or the request it made or answered",
            content = @Content(schema = @Schema(implementation = Views.CommandDone.class)))
    @ApiResponse(responseCode = "202", description = "Not decided yet: ask again shortly",
            content = @Content(schema = @Schema(implementation = Views.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused, as the write itself would have been answered (`window-still-open`, "
            + "`already-shipped`, `request-not-pending` …)")
    @GetMapping("/orders/{orderId}/conversation-commands/{commandId}")
    public Mono<ResponseEntity<?>> command(@PathVariable String orderId, @PathVariable String commandId, Authentication auth,
                                           ServerHttpRequest request) {
        CommandFlow.requireOwn(Caller.of(auth).userId(), commandId);
        return routing.answer(MessagingTopology.CONVERSATIONS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            return commands.committed(outcome(orderId, commandId), CommandOutcome::source).map(found -> {
                if (found.isEmpty()) {
                    return ResponseEntity.accepted().body(new Views.Pending(commandId, "PENDING"));
                }
                var outcome = found.get();
                if (!outcome.accepted()) {
                    throw problem(orderId, outcome);
                }
                return ResponseEntity.ok(new Views.CommandDone(commandId, orderId, "DONE", outcome.messageId(), outcome.seq(),
                        outcome.requestId()));
            });
        });
    }

    @Operation(summary = "The order's cancellation requests to the seller, oldest first (its buyer or seller, or support)")
    @ApiResponse(responseCode = "200", description = "The requests", content = @Content(schema = @Schema(implementation = Views.RequestList.class)))
    @GetMapping("/orders/{orderId}/cancellation-requests")
    public Mono<ResponseEntity<?>> requests(@PathVariable String orderId, Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(MessagingTopology.CONVERSATIONS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            var requests = visible(orderId, caller).requests().values().stream()
                    .sorted(Comparator.comparingLong(market.resale.messaging.domain.CancellationRequest::requestedAt))
                    .map(Views::of).toList();
            return Mono.just(ResponseEntity.ok(java.util.Map.of("orderId", orderId, "requests", requests)));
        });
    }

    @Operation(summary = "One cancellation request: its status, the seller's answer and what orders-service made of it "
            + "(the order's buyer or seller, or support)")
    @ApiResponse(responseCode = "200", description = "The request", content = @Content(schema = @Schema(implementation = Views.RequestView.class)))
    @GetMapping("/orders/{orderId}/cancellation-requests/{requestId}")
    public Mono<ResponseEntity<?>> cancellationRequest(@PathVariable String orderId, @PathVariable String requestId,
                                                       Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(MessagingTopology.CONVERSATIONS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            var found = visible(orderId, caller).requests().get(requestId);
            if (found == null) {
                throw ApiProblem.notFound("Cancellation request");
            }
            return Mono.just(ResponseEntity.ok(Views.of(found)));
        });
    }

    @Operation(summary = "Approve a pending cancellation request (the order's seller only); orders-service then decides the cancellation",
            description = WRITES + " Approving an approved request again answers 200 and sends nothing.")
    @ApiResponse(responseCode = "200", description = "Approved", content = @Content(schema = @Schema(implementation = Views.RequestView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = Views.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `request-not-pending`, `already-cancelled`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping("/orders/{orderId}/cancellation-requests/{requestId}/approval")
    public Mono<ResponseEntity<?>> approve(@PathVariable String orderId, @PathVariable String requestId,
                                           @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                           Authentication auth, ServerHttpRequest request) {
        return answer(orderId, requestId, ConversationAction.APPROVE_REQUEST, null, idempotencyKey, auth, request);
    }

    @Operation(summary = "Decline a pending cancellation request, with an optional note (the order's seller only)",
            description = WRITES)
    @ApiResponse(responseCode = "200", description = "Declined", content = @Content(schema = @Schema(implementation = Views.RequestView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = Views.Pending.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `request-not-pending`, `already-cancelled`")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping("/orders/{orderId}/cancellation-requests/{requestId}/decline")
    public Mono<ResponseEntity<?>> decline(@PathVariable String orderId, @PathVariable String requestId,
                                           @RequestBody(required = false) AnswerBody body,
                                           @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                           Authentication auth, ServerHttpRequest request) {
        var note = body == null ? null : body.note();
        checkNote(note);
        return answer(orderId, requestId, ConversationAction.DECLINE_REQUEST, note, idempotencyKey, auth, request);
    }

    private Mono<ResponseEntity<?>> answer(String orderId, String requestId, ConversationAction action, String note,
                                           String idempotencyKey, Authentication auth, ServerHttpRequest request) {
        OwnerRouting.checkId(requestId);
        var write = new Write(action, Party.SELLER, note, null, requestId);
        return write(orderId, Caller.of(auth), idempotencyKey, request, note == null ? null : new AnswerBody(note), write,
                outcome -> ResponseEntity.ok(requestView(orderId, requestId)),
                commandId -> pending(orderId, commandId));
    }

    /** What a write asks the processor to do, and which party may ask it (null: either). */
    private record Write(ConversationAction action, Party party, String text, CancelReason reason, String requestId) {
        Write(ConversationAction action, Party party, String text, CancelReason reason) {
            this(action, party, text, reason, null);
        }

        /** The same as the processor computes from the command this write becomes. */
        String fingerprint() {
            return CommandOutcome.fingerprint(action.name(), requestId, text, reason == null ? null : reason.name());
        }
    }

    private Mono<ResponseEntity<?>> write(String orderId, Caller caller, String idempotencyKey, ServerHttpRequest request,
                                          Object body, Write write, Function<CommandOutcome, ResponseEntity<?>> accepted,
                                          Function<String, ResponseEntity<?>> pending) {
        // Scoped to the caller so that one user's key can never answer for another's.
        var commandId = CommandFlow.commandId(caller.userId(), idempotencyKey);
        var bytes = body == null ? null : JSON.writeValueAsBytes(body);
        return routing.answer(MessagingTopology.CONVERSATIONS_STORE, OwnerRouting.checkId(orderId), request, bytes, () -> {
            var conversation = visible(orderId, caller);
            acting(conversation, caller, write.party());
            var fingerprint = write.fingerprint();
            Function<CommandOutcome, ResponseEntity<?>> answer = outcome -> {
                if (!outcome.accepted()) {
                    throw problem(orderId, outcome);
                }
                return accepted.apply(outcome);
            };
            // The key answered another request (another endpoint, or another body): its answer is not this one's.
            var outcomes = new CommandFlow.Outcomes<CommandOutcome>(() -> Optional.ofNullable(outcome(orderId, commandId)),
                    CommandOutcome::source, outcome -> outcome.answers(write.action().name(), fingerprint));
            var command = ConversationCommand.newBuilder()
                    .setCommandId(commandId).setOrderId(orderId).setActorId(caller.userId()).setAction(write.action())
                    .setText(write.text()).setReason(write.reason()).setRequestId(write.requestId())
                    .setRequestedAt(clock.instant())
                    .build();
            // The command is keyed by order id, like the conversation: this instance's stream thread decides it.
            return commands.submit(() -> publisher.publish(Topics.CONVERSATION_COMMANDS, orderId, command),
                            "Retry shortly (with the same Idempotency-Key).", outcomes, settings.decisionWait())
                    .map(found -> found.map(answer).orElseGet(() -> pending.apply(commandId)));
        });
    }

    static ApiProblem problem(String orderId, CommandOutcome outcome) {
        var refusal = outcome.refusal();
        var problem = switch (refusal) {
            case REQUEST_NOT_FOUND, NOT_A_PARTY, UNKNOWN_ORDER -> ApiProblem.notFound(
                    refusal == Refusal.REQUEST_NOT_FOUND ? "Cancellation request" : "Order " + orderId);
            case NOT_ALLOWED -> new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", outcome.detail());
            case INVALID -> ApiProblem.badRequest("invalid-request", outcome.detail());
            default -> new ApiProblem(HttpStatus.CONFLICT, refusal.code(), outcome.detail());
        };
        problem.with("orderId", orderId);
        if (outcome.requestId() != null) {
            problem.with("requestId", outcome.requestId());
        }
        if (outcome.trackingNumber() != null) {
            problem.with("trackingNumber", outcome.trackingNumber());
        }
        if (refusal == Refusal.WINDOW_STILL_OPEN) {
            // Where the buyer cancels on their own (orders-service).
            problem.with("cancelYourself", "/orders/" + orderId + "/cancellations");
        }
        return problem;
    }

    /** A write not decided (or not committed) yet: where to ask for its outcome. */
    private static ResponseEntity<?> pending(String orderId, String commandId) {
        return ResponseEntity.accepted().location(URI.create("/orders/" + orderId + "/conversation-commands/" + commandId))
                .body(new Views.Pending(commandId, "PENDING"));
    }

    private static URI requestUri(String orderId, String requestId) {
        return URI.create("/orders/" + orderId + "/cancellation-requests/" + requestId);
    }

    private Views.RequestView requestView(String orderId, String requestId) {
        return Views.of(localConversation(orderId).requests().get(requestId));
    }

    private void checkNote(String note) {
        if (note != null && note.length() > settings.maxNoteLength()) {
            throw ApiProblem.invalidField("note-too-long", "note", "A note has at most " + settings.maxNoteLength() + " characters");
        }
    }

    private Message message(String orderId, long seq) {
        return router.<Message>localStore(MessagingTopology.MESSAGES_STORE).get(MessagingTopology.messageKey(orderId, seq));
    }

    private CommandOutcome outcome(String orderId, String commandId) {
        return router.<CommandOutcome>localStore(MessagingTopology.OUTCOMES_STORE)
                .get(MessagingTopology.outcomeKey(orderId, commandId));
    }

    private Conversation localConversation(String orderId) {
        return router.<Conversation>localStore(MessagingTopology.CONVERSATIONS_STORE).get(orderId);
    }

    /** The conversation, if the caller may read it: its buyer, its seller, or a support agent. */
    private Conversation visible(String orderId, Caller caller) {
        var conversation = localConversation(orderId);
        if (conversation == null || !conversation.known()
                || conversation.partyOf(caller.userId()) == null && !caller.is(Role.SUPPORT)) {
            throw ApiProblem.notFound("Order " + orderId);
        }
        return conversation;
    }

    /** Writing takes being the party in that role, with that role in the token; support agents only read. */
    private static void acting(Conversation conversation, Caller caller, Party required) {
        var party = conversation.partyOf(caller.userId());
        var holdsRole = party == Party.BUYER && caller.is(Role.BUYER) || party == Party.SELLER && caller.is(Role.SELLER);
        if (!holdsRole || required != null && party != required) {
            var detail = party == null ? "Support agents read conversations; they take part through the case"
                    : required == Party.BUYER ? "Only the order's buyer can ask for a cancellation"
                    : required == Party.SELLER ? "Only the order's seller answers a cancellation request"
                    : "Write as the order's " + party.name().toLowerCase() + " (token role " + party.name() + ")";
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", detail);
        }
    }
}
