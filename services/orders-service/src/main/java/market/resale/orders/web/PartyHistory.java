package market.resale.orders.web;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.OrderFact;
import market.resale.orders.domain.Reputation;
import market.resale.orders.stream.OrdersTopology;
import market.resale.orders.stream.PartyOrder;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.web.Forwarder;
import org.apache.kafka.common.serialization.Serdes;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** A party's orders as reputation sees them, read from this instance's part of {@code party-orders}. */
@Component
class PartyHistory {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /** What the eligibility answer needs of a buyer record. */
    record Summary(int purchases, int buyerInitiatedCancellations, double rate) {
    }

    private final KeyOwnerRouter router;
    private final Forwarder forwarder;
    private final Reputation reputation;
    private final Clock clock;

    PartyHistory(KeyOwnerRouter router, Forwarder forwarder, OrdersSettings settings, Clock clock) {
        this.router = router;
        this.forwarder = forwarder;
        var r = settings.reputation();
        this.reputation = new Reputation(r.period(), r.warnRate(), r.warnMinPurchases());
        this.clock = clock;
    }

    boolean warns(Summary summary) {
        return reputation.warns(summary.purchases(), summary.rate());
    }

    Reputation reputation() {
        return reputation;
    }

    /** Only the local part: callers route to the owner of {@code partyId} first. */
    List<OrderFact> facts(String role, String partyId) {
        return lines(role, partyId).stream().map(PartyOrder::fact).toList();
    }

    /** A party's orders, newest first; only the local part: callers route to the owner of {@code partyId} first. */
    List<PartyOrder> lines(String role, String partyId) {
        var store = router.<PartyOrder>localStore(OrdersTopology.PARTY_ORDERS_STORE);
        var lines = new ArrayList<PartyOrder>();
        try (var it = store.prefixScan(PartyOrder.prefix(role, partyId), Serdes.String().serializer())) {
            it.forEachRemaining(kv -> lines.add(kv.value));
        }
        return lines;
    }

    /**
     * A seller's signals (rule 9, 15), shown with an order and its eligibility so that a buyer can check the seller
     * before buying or cancelling. They live with the seller's partition: asked of its owner when that is another
     * instance. Empty when they cannot be had in time: the order is shown without them, not refused.
     */
    Mono<Optional<ReputationController.SellerSignalsView>> sellerSignals(String sellerId, ServerHttpRequest request) {
        var owner = router.remoteOwner(OrdersTopology.PARTY_ORDERS_STORE, sellerId);
        if (owner.isEmpty()) {
            return Mono.just(Optional.of(ReputationController.SellerSignalsView.of(
                    reputation.seller(sellerId, facts(PartyOrder.SELLER, sellerId), clock.millis()), reputation.period())));
        }
        return forwarder.get(owner.get(), "/sellers/" + sellerId + "/signals", request)
                .map(response -> response.getStatusCode().is2xxSuccessful() && response.getBody() != null
                        ? Optional.of(JSON.readValue(response.getBody(), ReputationController.SellerSignalsView.class))
                        : Optional.<ReputationController.SellerSignalsView>empty())
                .onErrorReturn(Optional.empty());
    }

    /**
     * The caller's own record summary for the eligibility warning. The record lives with the buyer's
     * partition, which may be another instance's: then that owner is asked, with the caller's token.
     * Empty when it cannot be had in time: the warning is then the generic one, not an error.
     */
    Mono<Optional<Summary>> ownRecord(String buyerId, ServerHttpRequest request) {
        var owner = router.remoteOwner(OrdersTopology.PARTY_ORDERS_STORE, buyerId);
        if (owner.isEmpty()) {
            var r = reputation.buyer(buyerId, facts(PartyOrder.BUYER, buyerId), clock.millis());
            return Mono.just(Optional.of(new Summary(r.purchases(), r.buyerInitiatedCancellations(), r.rate())));
        }
        return forwarder.get(owner.get(), "/buyers/" + buyerId + "/record", request)
                .map(response -> response.getStatusCode().is2xxSuccessful() && response.getBody() != null
                        ? Optional.of(JSON.readValue(response.getBody(), Summary.class))
                        : Optional.<Summary>empty())
                .onErrorReturn(Optional.empty());
    }
}
