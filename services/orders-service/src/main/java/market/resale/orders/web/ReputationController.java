package market.resale.orders.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.Actor;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.Reputation;
import market.resale.orders.domain.SellerComment;
import market.resale.orders.stream.OrdersTopology;
import market.resale.orders.stream.PartyOrder;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.orders.BuyerCommentCommand;
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
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reputation (rule 9, §1.3, §9): a buyer's cancellation record, a seller's signals, and the one
 * comment a seller may leave on a buyer's profile per cancelled order between them. Records and
 * signals are answered by the owner of the party's partition of {@code party-orders}; comments are
 * decided by the owner of the order, like cancellations.
 */
@RestController
@Validated
public class ReputationController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public record CommentBody(@NotBlank @Size(max = 500) String text) {
    }

    public record BuyerRecordView(String buyerId, Duration period, Instant since, Instant until, int purchases,
                                  int cancellations, int buyerInitiatedCancellations, double rate,
                                  Map<String, Integer> byReason, Map<Actor, Integer> byActor, List<CommentView> comments) {
    }

    public record CommentView(String orderId, String sellerId, String text, Instant at) {
    }

    /**
     * @param cancellations             every cancellation of a sale, whoever made it ({@code byActor})
     * @param sellerCausedCancellations the seller's own (unless the buyer asked), missed ship-by deadlines, cases decided
     *                                  against the seller
     * @param cancellationRate          seller-caused cancellations over sales
     */
    public record SellerSignalsView(String sellerId, Duration period, Instant since, Instant until, int sales,
                                    int cancellations, int sellerCausedCancellations, double cancellationRate, Map<Actor, Integer> byActor,
                                    int shippedSales, Duration medianTimeToFirstScan, Double averageRating,
                                    int ratingCount, String ratingNote) {

        static SellerSignalsView of(Reputation.SellerSignals s, Duration period) {
            return new SellerSignalsView(s.sellerId(), period, Instant.ofEpochMilli(s.since()), Instant.ofEpochMilli(s.until()),
                    s.sales(), s.cancellations(), s.sellerCausedCancellations(), s.cancellationRate(), s.byActor(),
                    s.shippedSales(), s.medianTimeToFirstScanMillis() == null ? null : Duration.ofMillis(s.medianTimeToFirstScanMillis()),
                    s.averageRating(), s.ratingCount(), s.ratingNote());
        }
    }

    private final KeyOwnerRouter router;
    private final OwnerRouting routing;
    private final PartyHistory history;
    private final EventPublisher publisher;
    private final Reputation reputation;
    private final OrdersSettings settings;
    private final Clock clock;
    private final CommandFlow commands;

    public ReputationController(KeyOwnerRouter router, OwnerRouting routing, PartyHistory history, EventPublisher publisher,
                                OrdersSettings settings, Clock clock, CommandFlow commands) {
        this.commands = commands;
        this.router = router;
        this.routing = routing;
        this.history = history;
        this.publisher = publisher;
        this.reputation = history.reputation();
        this.settings = settings;
        this.clock = clock;
    }

    /** The buyer themself, support, and a seller with an order from this buyer may read the record; anyone else gets 404. */
    @Operation(summary = "A buyer's cancellation record over the reputation period: purchases, cancellations by actor, "
            + "the buyer-initiated rate and sellers' comments (the buyer, support, or a seller with an order from this buyer)")
    @ApiResponse(responseCode = "200", description = "The record", content = @Content(schema = @Schema(implementation = BuyerRecordView.class)))
    @GetMapping("/buyers/{buyerId}/record")
    public Mono<ResponseEntity<?>> buyerRecord(@PathVariable String buyerId, Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(OrdersTopology.PARTY_ORDERS_STORE, OwnerRouting.checkId(buyerId), request, null, () -> {
            var purchases = history.facts(PartyOrder.BUYER, buyerId);
            var mayRead = caller.userId().equals(buyerId) || caller.is(Role.SUPPORT)
                    || (caller.is(Role.SELLER) && purchases.stream().anyMatch(f -> f.counterpartyId().equals(caller.userId())));
            if (!mayRead) {
                throw ApiProblem.notFound("Buyer record of " + buyerId);
            }
            return Mono.just(ResponseEntity.ok(view(reputation.buyer(buyerId, purchases, clock.millis()))));
        });
    }

    /** Any signed-in user may check a seller before buying or cancelling (§2.1, §9.2). */
    @Operation(summary = "A seller's signals over the reputation period: sales, cancellations and their rate by actor, "
            + "median time to the first carrier scan, rating (any signed-in user)")
    @ApiResponse(responseCode = "200", description = "The signals", content = @Content(schema = @Schema(implementation = SellerSignalsView.class)))
    @GetMapping("/sellers/{sellerId}/signals")
    public Mono<ResponseEntity<?>> sellerSignals(@PathVariable String sellerId, ServerHttpRequest request) {
        return routing.answer(OrdersTopology.PARTY_ORDERS_STORE, OwnerRouting.checkId(sellerId), request, null, () -> {
            var s = reputation.seller(sellerId, history.facts(PartyOrder.SELLER, sellerId), clock.millis());
            return Mono.just(ResponseEntity.ok(SellerSignalsView.of(s, reputation.period())));
        });
    }

    @Operation(summary = "The seller's one comment on the buyer's record, about an order the buyer cancelled (the order's seller)")
    @ApiResponse(responseCode = "201", description = "The comment, now on the buyer's record",
            content = @Content(schema = @Schema(implementation = CommentView.class)))
    @ApiResponse(responseCode = "403", description = "`not-the-seller`: only the order's seller comments")
    @ApiResponse(responseCode = "409", description = "`order-not-cancelled`, `comment-exists`")
    @ApiResponse(responseCode = "503", description = "`not-decided-yet`: stored, not applied yet; read the buyer's record "
            + "shortly (a retry is answered `comment-exists`)")
    @PostMapping(path = "/orders/{orderId}/buyer-comment", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> comment(@PathVariable String orderId, @Valid @RequestBody CommentBody body,
                                           Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(OrdersTopology.ORDERS_STORE, OwnerRouting.checkId(orderId), request, JSON.writeValueAsBytes(body), () -> {
            var order = localOrder(orderId);
            if (order == null || !(order.isParty(caller.userId()) || caller.is(Role.SUPPORT))) {
                throw ApiProblem.notFound("Order " + orderId);
            }
            var refusal = caller.is(Role.SELLER) ? order.commentRefusal(caller.userId()) : Order.CommentRefusal.NOT_THE_SELLER;
            if (refusal != null) {
                throw refused(refusal);
            }
            var commandId = UUID.randomUUID().toString();
            var command = BuyerCommentCommand.newBuilder().setCommandId(commandId).setOrderId(orderId)
                    .setSellerId(caller.userId()).setText(body.text()).setRequestedAt(clock.instant()).build();
            // The order holds one comment: once this command's processing committed, the comment there is committed,
            // this one or the one that came first.
            return commands.submit(() -> publisher.publish(Topics.BUYER_COMMENT_COMMANDS, orderId, command), "Retry shortly.",
                            CommandFlow.Outcomes.of(() -> Optional.ofNullable(localOrder(orderId)).map(Order::sellerComment),
                                    SellerComment::source), settings.decisionWait())
                    .map(outcome -> {
                        var comment = outcome.orElseThrow(() -> new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE,
                                "not-decided-yet", "The comment was stored but not applied yet; look at the buyer's record shortly.")
                                .retryAfterSeconds(1));
                        if (!comment.commandId().equals(commandId)) {
                            throw refused(Order.CommentRefusal.ALREADY_COMMENTED);
                        }
                        return ResponseEntity.status(HttpStatus.CREATED).body(view(orderId, comment));
                    });
        });
    }

    private Order localOrder(String orderId) {
        return router.<Order>localStore(OrdersTopology.ORDERS_STORE).get(orderId);
    }

    private BuyerRecordView view(Reputation.BuyerRecord r) {
        return new BuyerRecordView(r.buyerId(), reputation.period(), Instant.ofEpochMilli(r.since()),
                Instant.ofEpochMilli(r.until()), r.purchases(), r.cancellations(), r.buyerInitiatedCancellations(),
                r.rate(), r.byReason(), r.byActor(),
                r.comments().stream().map(c -> new CommentView(c.orderId(), c.sellerId(), c.text(), Instant.ofEpochMilli(c.at())))
                        .toList());
    }

    private static CommentView view(String orderId, SellerComment c) {
        return new CommentView(orderId, c.sellerId(), c.text(), Instant.ofEpochMilli(c.at()));
    }

    private static ApiProblem refused(Order.CommentRefusal refusal) {
        return switch (refusal) {
            case NOT_THE_SELLER -> new ApiProblem(HttpStatus.FORBIDDEN, "not-the-seller",
                    "Only the order's seller may comment on the buyer's profile");
            case NOT_CANCELLED -> new ApiProblem(HttpStatus.CONFLICT, "order-not-cancelled",
                    "A comment on the buyer's profile is about a cancelled order; this one is not cancelled");
            case ALREADY_COMMENTED -> new ApiProblem(HttpStatus.CONFLICT, "comment-exists",
                    "There is already a comment for this order on the buyer's profile (one per cancelled order)");
        };
    }
}
