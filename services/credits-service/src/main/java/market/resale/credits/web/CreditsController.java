package market.resale.credits.web;

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
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import market.resale.credits.config.CreditsSettings;
import market.resale.credits.domain.Account;
import market.resale.credits.domain.LedgerEntry;
import market.resale.credits.domain.RedemptionOutcome;
import market.resale.credits.stream.CreditsTopology;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.credits.RedeemCredit;
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
 * Store credit of one user: balance, ledger, redemptions. Only the user (or a support agent, for
 * reading) sees an account; anyone else gets 404 whether it exists or not. Served by the instance
 * that owns the user's partition.
 */
@RestController
@Validated
public class CreditsController {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public record RedeemBody(@NotBlank @Pattern(regexp = OwnerRouting.ID) String orderId,
                             @NotNull @Positive Long amountCents,
                             @NotNull @Pattern(regexp = "[A-Z]{3}") String currency) {
    }

    record Balance(String userId, List<Money> balances) {
    }

    record Money(long amountCents, String currency) {
    }

    record Entry(String entryId, String type, String orderId, long amountCents, String currency, String reason,
                 Instant at, long balanceAfterCents) {
    }

    record Ledger(String userId, List<Entry> entries, int page, int size, boolean hasMore) {
    }

    record RedemptionView(String requestId, String status, String orderId, long amountCents, String currency,
                          long balanceAfterCents, Instant decidedAt) {
    }

    /** The 202 body of a redemption not decided yet (written as a map), named for the API document. */
    record PendingRedemption(String requestId, String status) {
    }

    private final KeyOwnerRouter router;
    private final OwnerRouting routing;
    private final EventPublisher publisher;
    private final CreditsSettings settings;
    private final Clock clock;
    private final CommandFlow commands;

    public CreditsController(KeyOwnerRouter router, OwnerRouting routing, EventPublisher publisher, CreditsSettings settings,
                             Clock clock, CommandFlow commands) {
        this.commands = commands;
        this.router = router;
        this.routing = routing;
        this.publisher = publisher;
        this.settings = settings;
        this.clock = clock;
    }

    @Operation(summary = "The user's store-credit balance in each currency (the user, or support)")
    @ApiResponse(responseCode = "200", description = "The balances; empty for a user with no credit yet",
            content = @Content(schema = @Schema(implementation = Balance.class)))
    @GetMapping("/accounts/{userId}")
    public Mono<ResponseEntity<?>> balance(@PathVariable String userId, Authentication auth, ServerHttpRequest request) {
        readable(userId, Caller.of(auth));
        return routing.answer(CreditsTopology.ACCOUNTS_STORE, userId, request, null, () -> {
            var account = Optional.ofNullable(router.<Account>localStore(CreditsTopology.ACCOUNTS_STORE).get(userId))
                    .orElse(Account.open(userId));
            var balances = account.balances().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> new Money(e.getValue(), e.getKey())).toList();
            return Mono.just(ResponseEntity.ok(new Balance(userId, balances)));
        });
    }

    @Operation(summary = "The user's store-credit ledger, oldest first: refunds credited from cancelled orders and redemptions "
            + "(the user, or support)")
    @ApiResponse(responseCode = "200", description = "A page of ledger entries", content = @Content(schema = @Schema(implementation = Ledger.class)))
    @GetMapping("/accounts/{userId}/ledger")
    public Mono<ResponseEntity<?>> ledger(@PathVariable String userId,
                                          @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
                                          @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size,
                                          Authentication auth, ServerHttpRequest request) {
        readable(userId, Caller.of(auth));
        return routing.answer(CreditsTopology.ACCOUNTS_STORE, userId, request, null, () -> {
            var store = router.<LedgerEntry>localStore(CreditsTopology.ENTRIES_STORE);
            var lines = new ArrayList<Entry>();
            long skip = (long) page * size;
            var hasMore = false;
            try (var it = store.prefixScan(CreditsTopology.entryPrefix(userId), Serdes.String().serializer())) {
                while (it.hasNext()) {
                    var e = it.next().value;
                    if (skip > 0) {
                        skip--;
                    } else if (lines.size() < size) {
                        lines.add(new Entry(e.entryId(), e.type().name(), e.orderId(), e.amountCents(), e.currency(),
                                e.reason(), Instant.ofEpochMilli(e.at()), e.balanceAfterCents()));
                    } else {
                        hasMore = true;
                        break;
                    }
                }
            }
            return Mono.just(ResponseEntity.ok(new Ledger(userId, lines, page, size, hasMore)));
        });
    }

    @Operation(summary = "Spend the user's store credit on an order, never below zero (the user only)",
            description = "The Idempotency-Key is required and is the redemption's `requestId`: a retry with the same key "
                    + "gets the recorded outcome and never spends twice. Not decided within a few seconds: 202, follow the "
                    + "Location header.")
    @ApiResponse(responseCode = "200", description = "Redeemed, with the balance after",
            content = @Content(schema = @Schema(implementation = RedemptionView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not decided yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = PendingRedemption.class)))
    @ApiResponse(responseCode = "409", description = "Refused: `insufficient-balance`, `currency-mismatch` (with `requestId`, "
            + "`balanceCents`)")
    @ApiResponse(responseCode = "422", description = "`idempotency-key-reused`: the key answered another request")
    @PostMapping(path = "/accounts/{userId}/redemptions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> redeem(@PathVariable String userId, @Valid @RequestBody RedeemBody body,
                                          @RequestHeader(name = "Idempotency-Key") String idempotencyKey,
                                          Authentication auth, ServerHttpRequest request) {
        owner(userId, Caller.of(auth));
        CommandFlow.commandId(userId, idempotencyKey); // the key's rule; the account is the caller's, so the key is its id
        if (body.amountCents() > settings.maxRedemptionCents()) {
            throw ApiProblem.invalidField("amount-too-large", "amountCents", "A redemption is at most " + settings.maxRedemptionCents() + " cents");
        }
        return routing.answer(CreditsTopology.ACCOUNTS_STORE, userId, request, JSON.writeValueAsBytes(body), () -> {
            var command = RedeemCredit.newBuilder().setRequestId(idempotencyKey).setUserId(userId)
                    .setOrderId(body.orderId()).setAmountCents(body.amountCents()).setCurrency(body.currency())
                    .setRequestedAt(clock.instant()).build();
            var outcomes = new CommandFlow.Outcomes<RedemptionOutcome>(() -> Optional.ofNullable(outcome(userId, idempotencyKey)),
                    RedemptionOutcome::source, o -> o.answers(body.orderId(), body.amountCents(), body.currency()));
            return commands.submit(() -> publisher.publish(Topics.REDEMPTION_REQUESTS, userId, command),
                            "Retry shortly with the same Idempotency-Key.", outcomes, settings.decisionWait())
                    .map(found -> found.<ResponseEntity<?>>map(this::answer).orElseGet(() -> pending(userId, idempotencyKey)));
        });
    }

    @Operation(summary = "A redemption of the user's credit: its recorded outcome (the user, or support)")
    @ApiResponse(responseCode = "200", description = "Redeemed, with the balance after",
            content = @Content(schema = @Schema(implementation = RedemptionView.class)))
    @ApiResponse(responseCode = "202", description = "Decided but not committed yet: ask again shortly",
            content = @Content(schema = @Schema(implementation = PendingRedemption.class)))
    @ApiResponse(responseCode = "404", description = "No such redemption, or not decided yet: after a 202, retry a little later")
    @ApiResponse(responseCode = "409", description = "The redemption was refused: `insufficient-balance`, `currency-mismatch` "
            + "(with `requestId`, `balanceCents`)")
    @GetMapping("/accounts/{userId}/redemptions/{requestId}")
    public Mono<ResponseEntity<?>> redemption(@PathVariable String userId, @PathVariable String requestId,
                                              Authentication auth, ServerHttpRequest request) {
        readable(userId, Caller.of(auth));
        return routing.answer(CreditsTopology.ACCOUNTS_STORE, userId, request, null, () -> {
            var outcome = outcome(userId, requestId);
            if (outcome == null) {
                throw ApiProblem.notFound("Redemption");
            }
            return commands.committed(outcome, RedemptionOutcome::source)
                    .map(committed -> committed.<ResponseEntity<?>>map(this::answer).orElseGet(() -> pending(userId, requestId)));
        });
    }

    /** Store credit is never paid out (rule 6): the request is understood and refused, with what to do instead. */
    @Operation(summary = "Pay out store credit as cash: always refused, the credit stays on the balance for the next purchase "
            + "(the user only)")
    @ApiResponse(responseCode = "422", description = "`cash-out-not-supported`: store credit is never paid out")
    @PostMapping("/accounts/{userId}/cash-outs")
    public ResponseEntity<?> cashOut(@PathVariable String userId, Authentication auth) {
        owner(userId, Caller.of(auth));
        throw new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "cash-out-not-supported",
                "Store credit from cancellations cannot be paid out as cash. It stays on your balance and is applied "
                        + "to your next purchase.");
    }

    private static ResponseEntity<?> pending(String userId, String requestId) {
        return ResponseEntity.accepted().location(URI.create("/accounts/" + userId + "/redemptions/" + requestId))
                .body(Map.of("requestId", requestId, "status", "PENDING"));
    }

    private ResponseEntity<?> answer(RedemptionOutcome outcome) {
        if (outcome.redeemed()) {
            return ResponseEntity.ok(new RedemptionView(outcome.requestId(), "REDEEMED", outcome.orderId(),
                    outcome.amountCents(), outcome.currency(), outcome.balanceAfterCents(),
                    Instant.ofEpochMilli(outcome.decidedAt())));
        }
        var code = outcome.refusal().toLowerCase().replace('_', '-');
        throw new ApiProblem(HttpStatus.CONFLICT, code, switch (outcome.refusal()) {
            case "INSUFFICIENT_BALANCE" -> "The balance is lower than the amount to redeem";
            case "CURRENCY_MISMATCH" -> "The credit is held in another currency";
            default -> "The redemption was refused";
        }).with("requestId", outcome.requestId()).with("balanceCents", outcome.balanceAfterCents());
    }

    private RedemptionOutcome outcome(String userId, String requestId) {
        return router.<RedemptionOutcome>localStore(CreditsTopology.REDEMPTIONS_STORE)
                .get(CreditsTopology.redemptionKey(userId, requestId));
    }

    private static void readable(String userId, Caller caller) {
        OwnerRouting.checkId(userId);
        if (!caller.userId().equals(userId) && !caller.is(Role.SUPPORT)) {
            throw ApiProblem.notFound("Account");
        }
    }

    private static void owner(String userId, Caller caller) {
        OwnerRouting.checkId(userId);
        if (!caller.userId().equals(userId)) {
            throw ApiProblem.notFound("Account");
        }
    }
}
