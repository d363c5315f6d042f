package market.resale.orders.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import market.resale.orders.domain.Actor;
import market.resale.orders.domain.Reputation;
import market.resale.orders.stream.OrdersTopology;
import market.resale.orders.stream.PartyOrder;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.orders.CancelReason;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Cancellation search (as eBay's post-order search gives sellers): a party's cancelled orders, filtered by reason, actor
 * and when they were cancelled, newest order first, paged. A seller searches their sales, a buyer their purchases; an
 * agent names the seller or the buyer. All of one party's orders sit in one partition of {@code party-orders}, so a
 * search is one prefix scan on the instance that owns it (others forward to it).
 */
@RestController
@Validated
public class CancellationSearchController {

    /**
     * @param counterpartyId the buyer (on a seller's sale) or the seller (on a buyer's purchase)
     * @param sellerCaused   whether it counts against the seller (rule 9): the seller's own, a missed ship-by, a case
     *                       decided against the seller
     */
    record CancellationLine(String orderId, String title, String counterpartyId, OrderViews.Money total, Instant placedAt,
                            Instant cancelledAt, String actor, String reason, boolean sellerCaused) {
    }

    record CancellationPage(String role, String partyId, List<CancellationLine> items, int page, int size, boolean hasMore) {
    }

    private final OwnerRouting routing;
    private final PartyHistory history;

    public CancellationSearchController(OwnerRouting routing, PartyHistory history) {
        this.routing = routing;
        this.history = history;
    }

    @Operation(summary = "Search cancelled orders: a seller's sales, a buyer's purchases, or (support) either party's",
            description = "Filters: `reason`, `actor` (who cancelled), `from`/`to` (cancelled at, ISO-8601, `to` exclusive). "
                    + "Newest orders first. A seller or buyer searches their own orders (naming another party is 403); "
                    + "an agent names exactly one of `sellerId` and `buyerId`.")
    @ApiResponse(responseCode = "200", description = "A page of cancelled orders",
            content = @Content(schema = @Schema(implementation = CancellationPage.class)))
    @ApiResponse(responseCode = "400", description = "`party-required`: an agent names exactly one of sellerId, buyerId; "
            + "`invalid-range`: from is not before to")
    @ApiResponse(responseCode = "403", description = "`forbidden`: another party's orders")
    @GetMapping("/cancellations")
    public Mono<ResponseEntity<?>> search(@RequestParam(required = false) String sellerId,
                                          @RequestParam(required = false) String buyerId,
                                          @RequestParam(required = false) CancelReason reason,
                                          @RequestParam(required = false) Actor actor,
                                          @RequestParam(required = false) Instant from,
                                          @RequestParam(required = false) Instant to,
                                          @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
                                          @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                                          Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        var party = party(caller, sellerId, buyerId);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiProblem.invalidField("invalid-range", "from", "from must be before to");
        }
        return routing.answer(OrdersTopology.PARTY_ORDERS_STORE, OwnerRouting.checkId(party.id()), request, null, () -> {
            var items = new ArrayList<CancellationLine>();
            var skip = (long) page * size;
            var hasMore = false;
            for (var line : history.lines(party.role(), party.id())) {
                if (!matches(line, reason, actor, from, to)) {
                    continue;
                }
                if (skip > 0) {
                    skip--;
                } else if (items.size() < size) {
                    items.add(new CancellationLine(line.orderId(), line.title(), line.counterpartyId(),
                            new OrderViews.Money(line.totalCents(), line.currency()), Instant.ofEpochMilli(line.placedAt()),
                            Instant.ofEpochMilli(line.cancelledAt()), line.cancelledBy().name(), line.cancelReason(),
                            Reputation.sellerCaused(line.cancelledBy(), line.cancelReason())));
                } else {
                    hasMore = true;
                    break;
                }
            }
            return Mono.just(ResponseEntity.ok(new CancellationPage(party.role(), party.id(), items, page, size, hasMore)));
        });
    }

    private record Party(String role, String id) {
    }

    /** Whose orders the caller may search: their own, or (support) the one party they name. */
    private static Party party(Caller caller, String sellerId, String buyerId) {
        if (caller.is(Role.SUPPORT)) {
            if ((sellerId == null) == (buyerId == null)) {
                throw ApiProblem.badRequest("party-required", "Name exactly one of sellerId and buyerId")
                        .with("fields", Map.of("sellerId", "one of sellerId, buyerId", "buyerId", "one of sellerId, buyerId"));
            }
            return sellerId != null ? new Party(PartyOrder.SELLER, sellerId) : new Party(PartyOrder.BUYER, buyerId);
        }
        if (caller.is(Role.SELLER) && buyerId == null && (sellerId == null || sellerId.equals(caller.userId()))) {
            return new Party(PartyOrder.SELLER, caller.userId());
        }
        if (caller.is(Role.BUYER) && sellerId == null && (buyerId == null || buyerId.equals(caller.userId()))) {
            return new Party(PartyOrder.BUYER, caller.userId());
        }
        throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "You can search only your own orders' cancellations");
    }

    private static boolean matches(PartyOrder line, CancelReason reason, Actor actor, Instant from, Instant to) {
        return line.cancelledAt() != null
                && (reason == null || reason.name().equals(line.cancelReason()))
                && (actor == null || actor == line.cancelledBy())
                && (from == null || line.cancelledAt() >= from.toEpochMilli())
                && (to == null || line.cancelledAt() < to.toEpochMilli());
    }
}
