package market.resale.orders.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.Actor;
import market.resale.orders.domain.OrderStatus;
import market.resale.orders.stream.OrdersTopology;
import market.resale.orders.stream.PartyOrder;
import market.resale.platform.ManualClock;
import market.resale.platform.web.ControllerHarness;
import market.resale.platform.web.Forwarder;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Issue 19, point 11: a seller's (or an agent's) search of cancelled orders, by reason, actor and date, paged. */
class CancellationSearchControllerTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final String SELLER = "seller-1";

    private final ControllerHarness harness = new ControllerHarness();
    private ReadOnlyKeyValueStore<String, PartyOrder> parties;

    @BeforeEach
    void setUp() {
        parties = harness.store(OrdersTopology.PARTY_ORDERS_STORE);
        var day = Duration.ofDays(1);
        lines(line(PartyOrder.SELLER, SELLER, "o-1", NOW.minus(day.multipliedBy(1)), Actor.BUYER, "CHANGED_MIND"),
                line(PartyOrder.SELLER, SELLER, "o-2", NOW.minus(day.multipliedBy(2)), Actor.SELLER, "ITEM_UNAVAILABLE"),
                line(PartyOrder.SELLER, SELLER, "o-3", NOW.minus(day.multipliedBy(3)), null, null),
                line(PartyOrder.SELLER, SELLER, "o-4", NOW.minus(day.multipliedBy(9)), Actor.BUYER, "SELLER_DID_NOT_SHIP"),
                line(PartyOrder.SELLER, SELLER, "o-5", NOW.minus(day.multipliedBy(10)), Actor.SUPPORT, "DISPUTE_RESOLUTION"),
                line(PartyOrder.BUYER, "buyer-7", "o-1", NOW.minus(day.multipliedBy(1)), Actor.BUYER, "CHANGED_MIND"));
    }

    private void lines(PartyOrder... lines) {
        ControllerHarness.prefixScans(parties, Arrays.stream(lines).collect(java.util.stream.Collectors.toMap(PartyOrder::storeKey, l -> l)));
    }

    /** An order placed at {@code placedAt}, cancelled an hour later by {@code by} (not cancelled when null). */
    private static PartyOrder line(String role, String partyId, String orderId, Instant placedAt, Actor by, String reason) {
        var cancelled = by != null;
        return new PartyOrder(role, partyId, orderId, "Jacket " + orderId, "M", "GOOD", 5_500, "USD", placedAt.toEpochMilli(),
                cancelled ? OrderStatus.CANCELLED : OrderStatus.PLACED, 2, role.equals(PartyOrder.SELLER) ? "buyer-7" : SELLER,
                null, cancelled ? placedAt.plus(Duration.ofHours(1)).toEpochMilli() : null, by, reason, null, null);
    }

    private WebTestClient client(String userId, String role) {
        var settings = new OrdersSettings(Duration.ofHours(3), Duration.ofSeconds(1), 10_000, Duration.ofMillis(200),
                Duration.ofMinutes(30), Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(1),
                new OrdersSettings.Reputation(Duration.ofDays(90), 0.3, 3));
        var history = new PartyHistory(harness.router, mock(Forwarder.class), settings, new ManualClock(NOW));
        return ControllerHarness.client(userId, role, new CancellationSearchController(harness.routing(), history));
    }

    @Test
    void aSellerFindsTheirSalesCancellationsNewestFirstWithWhatCountsAgainstThem() {
        client(SELLER, "SELLER").get().uri("/cancellations").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(4)
                .jsonPath("$.items[*].orderId").value(ids -> assertThat(ids.toString()).isEqualTo("[\"o-1\",\"o-2\",\"o-4\",\"o-5\"]"))
                .jsonPath("$.items[0].actor").isEqualTo("BUYER")
                .jsonPath("$.items[0].sellerCaused").isEqualTo(false)
                .jsonPath("$.items[1].sellerCaused").isEqualTo(true)
                .jsonPath("$.items[2].sellerCaused").isEqualTo(true)
                .jsonPath("$.items[3].sellerCaused").isEqualTo(true)
                .jsonPath("$.items[0].counterpartyId").isEqualTo("buyer-7")
                .jsonPath("$.hasMore").isEqualTo(false);
    }

    @Test
    void filtersByReasonActorAndDateAndPages() {
        client(SELLER, "SELLER").get().uri("/cancellations?reason=ITEM_UNAVAILABLE").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[*].orderId").value(ids -> assertThat(ids.toString()).isEqualTo("[\"o-2\"]"));
        client(SELLER, "SELLER").get().uri("/cancellations?actor=BUYER").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[*].orderId").value(ids -> assertThat(ids.toString()).isEqualTo("[\"o-1\",\"o-4\"]"));
        client(SELLER, "SELLER").get().uri("/cancellations?from=" + NOW.minus(Duration.ofDays(5)) + "&to=" + NOW.minus(Duration.ofDays(1)))
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[*].orderId").value(ids -> assertThat(ids.toString()).isEqualTo("[\"o-2\"]"));
        client(SELLER, "SELLER").get().uri("/cancellations?size=2&page=1").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[*].orderId").value(ids -> assertThat(ids.toString()).isEqualTo("[\"o-4\",\"o-5\"]"))
                .jsonPath("$.hasMore").isEqualTo(false);
        client(SELLER, "SELLER").get().uri("/cancellations?size=1").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.hasMore").isEqualTo(true);
    }

    @Test
    void anAgentNamesOnePartyAndNobodySearchesAnotherPartysOrders() {
        client("agent-1", "SUPPORT").get().uri("/cancellations?sellerId=" + SELLER).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(4);
        client("agent-1", "SUPPORT").get().uri("/cancellations?buyerId=buyer-7").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.role").isEqualTo("BUYER");
        client("agent-1", "SUPPORT").get().uri("/cancellations").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("party-required").jsonPath("$.fields.sellerId").exists();
        client("seller-2", "SELLER").get().uri("/cancellations?sellerId=" + SELLER).exchange().expectStatus().isForbidden();
        client("buyer-7", "BUYER").get().uri("/cancellations?sellerId=" + SELLER).exchange().expectStatus().isForbidden();
        client("buyer-7", "BUYER").get().uri("/cancellations").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.items[0].counterpartyId").isEqualTo(SELLER);
        client(SELLER, "SELLER").get().uri("/cancellations?from=" + NOW + "&to=" + NOW).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("invalid-range");
    }
}
