package market.resale.orders.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.Actor;
import market.resale.orders.domain.Attempt;
import market.resale.orders.domain.CancellationPolicy;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.OrderStatus;
import market.resale.orders.stream.OrderRecords;
import market.resale.orders.stream.OrdersTopology;
import market.resale.orders.stream.PartyOrder;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.orders.domain.CancelRequest;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.topics.Topics;
import org.springframework.http.HttpStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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
 * The orders API for the apps. Every query and confirmation about an order is answered by the
 * instance that owns the order's partition (others forward to it), so any instance gives the same
 * answer. A caller who is not a party to an order gets 404, whether or not it exists.
 */
@RestController
@Validated
public class OrdersController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public record CancelBody(@NotNull CancelReason reason, @Size(max = 500) String note, @Min(1) Long expectedVersion) {
    }

    private final KeyOwnerRouter router;
    private final OwnerRouting routing;
    private final EventPublisher publisher;
    private final CancellationPolicy policy;
    private final OrdersSettings settings;
    private final Clock clock;
    private final PartyHistory history;

    private final CommandFlow commands;

    public OrdersController(KeyOwnerRouter router, OwnerRouting routing, EventPublisher publisher, OrdersSettings settings,
                            Clock clock, PartyHistory history, CommandFlow commands) {
        this.commands = commands;
        this.history = history;
        this.router = router;
        this.routing = routing;
        this.publisher = publisher;
        this.policy = settings.policy();
        this.settings = settings;
        this.clock = clock;
    }

    @Operation(summary = "One order: items, amounts, status, shipment, refund and timeline (its buyer, its seller, or support)")
    @ApiResponse(responseCode = "200", description = "The order", content = @Content(schema = @Schema(implementation = OrderViews.OrderView.class)))
    @GetMapping("/orders/{orderId}")
    public Mono<ResponseEntity<?>> order(@PathVariable String orderId, Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(OrdersTopology.ORDERS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            var order = visibleOrder(orderId, caller);
            return history.sellerSignals(order.sellerId(), request)
                    .map(seller -> ResponseEntity.ok(OrderViews.of(order, seller.orElse(null))));
        });
    }

    @Operation(summary = "Whether the caller may cancel the order now, and on what terms (refund as store credit; for a buyer, the effect on their record)")
    @ApiResponse(responseCode = "200", description = "Allowed or not, with the reason code when not",
            content = @Content(schema = @Schema(implementation = OrderViews.EligibilityView.class)))
    @GetMapping("/orders/{orderId}/cancellation-eligibility")
    public Mono<ResponseEntity<?>> eligibility(@PathVariable String orderId, Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(OrdersTopology.ORDERS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            var order = visibleOrder(orderId, caller);
            var actor = actorFor(order, caller);
            var eligibility = policy.eligibility(order, actor, caller.userId(), clock.millis());
            var sellerSignals = history.sellerSignals(order.sellerId(), request);
            if (actor != Actor.BUYER) {
                return sellerSignals.map(seller -> ResponseEntity.ok(OrderViews.of(eligibility, seller.orElse(null))));
            }
            var reputation = history.reputation();
            return Mono.zip(sellerSignals, history.ownRecord(order.buyerId(), request)).map(both -> ResponseEntity.ok(
                    OrderViews.of(eligibility, both.getT1().orElse(null), both.getT2().orElse(null),
                            both.getT2().map(history::warns).orElse(false), reputation.warnRate(), reputation.period())));
        });
    }

    @Operation(summary = "Cancel the order (buyer within 3 hours of purchase and before the first carrier scan; seller before shipping)",
            description = "Decided by orders-service alone; answered only once the decision is committed. Send an "
                    + "Idempotency-Key: a retry with the same key gets the first answer (kept for 7 days); the same key with "
                    + "another body is refused. Buyers and sellers must quote `expectedVersion` (from the eligibility answer): "
                    + "the cancellation is refused if the order changed since. Each actor has its own reasons "
                    + "(GET /cancellation-reasons). The `note` is shown to the other party and on the timeline.")
    @ApiResponse(responseCode = "200", description = "Cancelled; the refund is issued as store credit",
            content = @Content(schema = @Schema(implementation = OrderViews.CancellationStatus.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = OrderViews.CancellationStatus.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `window-expired`, `already-shipped` (with `trackingNumber`), "
            + "`already-cancelled`, `stale-confirmation`; `case-required` for support, who cancels through a case's outcome")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request; "
            + "`reason-not-allowed`: a reason the caller may not give (`allowedReasons` lists theirs)")
    @ApiResponse(responseCode = "428", description = "`confirmation-required`: a buyer or seller must quote `expectedVersion`, "
            + "the version the eligibility answer showed (look, then confirm)")
    @PostMapping(path = "/orders/{orderId}/cancellations", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> cancel(@PathVariable String orderId, @Valid @RequestBody CancelBody body,
                                          @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                                          Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        // The command id is scoped to the caller so that one user's key can never answer for another's.
        var commandId = CommandFlow.commandId(caller.userId(), idempotencyKey);
        return routing.answer(OrdersTopology.ORDERS_STORE, OwnerRouting.checkId(orderId), request, JSON.writeValueAsBytes(body), () -> {
            var order = visibleOrder(orderId, caller);
            var actor = actorFor(order, caller);
            checkConfirmation(orderId, actor, body);
            var fingerprint = CancelRequest.fingerprint(actor, body.reason().name(), body.note(), body.expectedVersion());
            var command = CancelOrderCommand.newBuilder()
                    .setCommandId(commandId).setOrderId(orderId)
                    .setActor(OrderRecords.actor(actor)).setActorId(caller.userId())
                    .setReason(body.reason()).setNote(body.note()).setExpectedVersion(body.expectedVersion())
                    .setRequestedAt(clock.instant())
                    .build();
            // The command is keyed by order id, like the order: this instance's stream thread decides it.
            var attempts = new CommandFlow.Outcomes<Attempt>(
                    () -> Optional.ofNullable(attempt(orderId, commandId)), Attempt::source,
                    attempt -> attempt.answers(fingerprint));
            return commands.submit(() -> publisher.publish(Topics.CANCEL_COMMANDS, orderId, command),
                            "Retry shortly (with the same Idempotency-Key).", attempts, settings.decisionWait())
                    .map(attempt -> attempt.<ResponseEntity<?>>map(a -> decided(order, a))
                            .orElseGet(() -> pending(orderId, commandId)));
        });
    }

    @Operation(summary = "A cancellation the caller asked for: pending, cancelled, or refused with its reason code",
            description = "A decision is shown once it is committed; until then the cancellation is PENDING.")
    @ApiResponse(responseCode = "200", description = "The cancellation's state",
            content = @Content(schema = @Schema(implementation = OrderViews.CancellationStatus.class)))
    @ApiResponse(responseCode = "202", description = "Not decided yet (or its decision not committed yet): ask again shortly",
            content = @Content(schema = @Schema(implementation = OrderViews.CancellationStatus.class)))
    @GetMapping("/orders/{orderId}/cancellations/{commandId}")
    public Mono<ResponseEntity<?>> cancellation(@PathVariable String orderId, @PathVariable String commandId,
                                                Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(OrdersTopology.ORDERS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            var order = visibleOrder(orderId, caller);
            var attempt = attempt(orderId, commandId);
            if (attempt == null || !(attempt.actorId().equals(caller.userId()) || caller.is(Role.SUPPORT))) {
                throw ApiProblem.notFound("Cancellation");
            }
            return commands.committed(attempt, Attempt::source).map(committed -> committed.<ResponseEntity<?>>map(
                    a -> ResponseEntity.ok(OrderViews.of(orderId, a, order.amounts().currency()))).orElseGet(() ->
                    ResponseEntity.accepted().body(OrderViews.pending(orderId, commandId))));
        });
    }

    @Operation(summary = "The calling buyer's orders, newest first, optionally by status")
    @ApiResponse(responseCode = "200", description = "A page of orders", content = @Content(schema = @Schema(implementation = OrderViews.OrderLinePage.class)))
    @GetMapping("/purchases")
    public Mono<ResponseEntity<?>> purchases(@RequestParam(required = false) OrderStatus status,
                                             @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
                                             @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                                             Authentication auth, ServerHttpRequest request) {
        return partyOrders(PartyOrder.BUYER, Role.BUYER, status, page, size, auth, request);
    }

    @Operation(summary = "The calling seller's orders, newest first, optionally by status")
    @ApiResponse(responseCode = "200", description = "A page of orders", content = @Content(schema = @Schema(implementation = OrderViews.OrderLinePage.class)))
    @GetMapping("/sales")
    public Mono<ResponseEntity<?>> sales(@RequestParam(required = false) OrderStatus status,
                                         @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
                                         @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                                         Authentication auth, ServerHttpRequest request) {
        return partyOrders(PartyOrder.SELLER, Role.SELLER, status, page, size, auth, request);
    }

    private Mono<ResponseEntity<?>> partyOrders(String role, Role required, OrderStatus status, int page, int size,
                                                Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        if (!caller.is(required)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Only a " + required.name().toLowerCase() + " has " + (
                    required == Role.BUYER ? "purchases" : "sales"));
        }
        return routing.answer(OrdersTopology.PARTY_ORDERS_STORE, caller.userId(), request, null, () -> {
            var store = router.<PartyOrder>localStore(OrdersTopology.PARTY_ORDERS_STORE);
            var lines = new ArrayList<OrderViews.OrderLine>();
            var skip = (long) page * size;
            var hasMore = false;
            try (var it = store.prefixScan(PartyOrder.prefix(role, caller.userId()),
                    org.apache.kafka.common.serialization.Serdes.String().serializer())) {
                while (it.hasNext()) {
                    var line = it.next().value;
                    if (status != null && line.status() != status) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                    } else if (lines.size() < size) {
                        lines.add(OrderViews.of(line));
                    } else {
                        hasMore = true;
                        break;
                    }
                }
            }
            return Mono.just(ResponseEntity.ok(new OrderViews.Page<>(lines, page, size, hasMore)));
        });
    }

    @Operation(summary = "The reasons each actor may give for a cancellation (any signed-in user)",
            description = "A buyer's own reasons (and SELLER_DID_NOT_SHIP once the ship-by deadline has passed), a seller's, "
                    + "and support's (any). The eligibility answer lists the caller's own.")
    @ApiResponse(responseCode = "200", description = "The reasons by actor",
            content = @Content(schema = @Schema(implementation = OrderViews.ReasonsView.class)))
    @GetMapping("/cancellation-reasons")
    public Mono<ResponseEntity<?>> reasons() {
        return Mono.just(ResponseEntity.ok(new OrderViews.ReasonsView(CancellationPolicy.reasons(Actor.BUYER),
                CancellationPolicy.reasons(Actor.SELLER), CancellationPolicy.reasons(Actor.SUPPORT))));
    }

    /**
     * Rule 7 and the reasons by actor, checked before anything is published: a buyer or seller confirms the version
     * they were shown, with a reason of their own. The stream checks the same again for commands from elsewhere.
     */
    private static void checkConfirmation(String orderId, Actor actor, CancelBody body) {
        if (body.expectedVersion() == null && (actor == Actor.BUYER || actor == Actor.SELLER)) {
            throw new ApiProblem(HttpStatus.PRECONDITION_REQUIRED, "confirmation-required", CancellationPolicy.CONFIRMATION_REQUIRED)
                    .with("fields", java.util.Map.of("expectedVersion", "required: the version the eligibility answer showed"))
                    .with("eligibility", "/orders/" + orderId + "/cancellation-eligibility");
        }
        var allowed = CancellationPolicy.reasons(actor);
        if (!allowed.contains(body.reason().name())) {
            throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "reason-not-allowed",
                    CancellationPolicy.reasonNotAllowed(actor, body.reason().name()))
                    .with("fields", java.util.Map.of("reason", "not one of " + String.join(", ", allowed)))
                    .with("allowedReasons", allowed);
        }
    }

    private ResponseEntity<?> decided(Order order, Attempt attempt) {
        var view = OrderViews.of(order.orderId(), attempt, order.amounts().currency());
        if (attempt.cancelled()) {
            return ResponseEntity.ok(view);
        }
        var code = attempt.code().name().toLowerCase().replace('_', '-');
        throw new ApiProblem(HttpStatus.CONFLICT, code, attempt.detail())
                .with("orderId", order.orderId())
                .with("commandId", attempt.commandId())
                .with("trackingNumber", attempt.trackingNumber());
    }

    private static ResponseEntity<?> pending(String orderId, String commandId) {
        return ResponseEntity.accepted()
                .location(URI.create("/orders/" + orderId + "/cancellations/" + commandId))
                .body(OrderViews.pending(orderId, commandId));
    }

    private Attempt attempt(String orderId, String commandId) {
        return router.<Attempt>localStore(OrdersTopology.ATTEMPTS_STORE).get(OrdersTopology.attemptKey(orderId, commandId));
    }

    private Order localOrder(String orderId) {
        return router.<Order>localStore(OrdersTopology.ORDERS_STORE).get(orderId);
    }

    private Order visibleOrder(String orderId, Caller caller) {
        var order = localOrder(orderId);
        if (order == null || !(order.isParty(caller.userId()) || caller.is(Role.SUPPORT))) {
            throw ApiProblem.notFound("Order " + orderId);
        }
        return order;
    }

    private static Actor actorFor(Order order, Caller caller) {
        if (order.buyerId().equals(caller.userId()) && caller.is(Role.BUYER)) {
            return Actor.BUYER;
        }
        if (order.sellerId().equals(caller.userId()) && caller.is(Role.SELLER)) {
            return Actor.SELLER;
        }
        if (caller.is(Role.SUPPORT)) {
            return Actor.SUPPORT;
        }
        throw ApiProblem.notFound("Order " + order.orderId());
    }
}
