package market.resale.orders.web;

import market.resale.platform.web.ControllerHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.Actor;
import market.resale.orders.domain.Amounts;
import market.resale.orders.domain.Attempt;
import market.resale.orders.domain.CancelRequest;
import market.resale.orders.domain.CancellationPolicy;
import market.resale.orders.domain.Decision;
import market.resale.orders.domain.Item;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.OrderStatus;
import market.resale.orders.domain.RejectionCode;
import market.resale.orders.stream.PartyOrder;
import market.resale.orders.stream.OrdersTopology;
import market.resale.platform.ManualClock;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.SourceOffset;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.Forwarder;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * The orders API on its own (stores and the publisher stand in for the stream): who sees an order, what a seller is
 * shown before confirming, and how a cancellation is answered — the committed decision (200 or 409 with its code),
 * 202 with where to ask while it is not decided or not committed, 422 for a key reused with another body.
 */
class OrdersControllerTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final String BUYER = "buyer-1";
    static final String SELLER = "seller-1";
    static final Duration WINDOW = Duration.ofHours(3);

    private final ControllerHarness harness = new ControllerHarness();
    private final EventPublisher publisher = harness.publisher;
    private ReadOnlyKeyValueStore<String, Attempt> attempts;
    private ReadOnlyKeyValueStore<String, PartyOrder> parties;
    private Order order;

    @BeforeEach
    void setUp() {
        ReadOnlyKeyValueStore<String, Order> orders = harness.store(OrdersTopology.ORDERS_STORE);
        attempts = harness.store(OrdersTopology.ATTEMPTS_STORE);
        var placedAt = NOW.minus(Duration.ofHours(1)).toEpochMilli();
        order = Order.placed("o-1", BUYER, SELLER, new Item("l-1", "Denim jacket", "M", "GOOD"),
                new Amounts(4_500, 700, 300, 0, "USD"), placedAt, placedAt + WINDOW.toMillis());
        when(orders.get("o-1")).thenReturn(order);
        parties = harness.store(OrdersTopology.PARTY_ORDERS_STORE);
        sales();
        harness.acknowledges(Topics.CANCEL_COMMANDS, "o-1", 41);
    }

    private WebTestClient client(String userId, String role, CommitWatch commits) {
        var settings = new OrdersSettings(WINDOW, Duration.ofSeconds(1), 10_000, Duration.ofMillis(200), Duration.ofMinutes(30),
                Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(1), new OrdersSettings.Reputation(Duration.ofDays(90), 0.3, 3));
        var clock = new ManualClock(NOW);
        var controller = new OrdersController(harness.router, harness.routing(), publisher, settings, clock,
                new PartyHistory(harness.router, mock(Forwarder.class), settings, clock), new CommandFlow(commits));
        return ControllerHarness.client(userId, role, controller);
    }

    /** The seller's sales in the party index, as reputation reads them (one prefix scan). */
    private void sales(PartyOrder... lines) {
        ControllerHarness.prefixScans(parties, java.util.Arrays.stream(lines)
                .collect(java.util.stream.Collectors.toMap(PartyOrder::storeKey, l -> l)));
    }

    private static PartyOrder sale(String orderId, long placedAt, Long shippedAt, Integer stars) {
        return new PartyOrder(PartyOrder.SELLER, SELLER, orderId, "Jacket", "M", "GOOD", 5_500, "USD", placedAt,
                shippedAt == null ? OrderStatus.PLACED : OrderStatus.SHIPPED, 1, "buyer-9", shippedAt, null, null, null, null, stars);
    }

    private WebTestClient client(String userId, String role) {
        return client(userId, role, CommitWatch.PROCESSED_IS_COMMITTED);
    }

    private static String body(Long expectedVersion) {
        return body("CHANGED_MIND", expectedVersion);
    }

    private static String body(String reason, Long expectedVersion) {
        return "{\"reason\":\"" + reason + "\"" + (expectedVersion == null ? "" : ",\"expectedVersion\":" + expectedVersion) + "}";
    }

    private static String reason(Actor actor) {
        return actor == Actor.SELLER ? "ITEM_UNAVAILABLE" : "CHANGED_MIND";
    }

    private WebTestClient.ResponseSpec cancel(WebTestClient client, String key, String json) {
        return client.post().uri("/orders/o-1/cancellations").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", key).bodyValue(json).exchange();
    }

    private Attempt decided(Actor actor, String actorId, String key, Long expectedVersion, Decision decision) {
        var fingerprint = CancelRequest.fingerprint(actor, reason(actor), null, expectedVersion);
        var request = new CancelRequest(actorId + ":" + key, actor, actorId, reason(actor), null, expectedVersion,
                NOW.toEpochMilli(), null, fingerprint, new SourceOffset(Topics.CANCEL_COMMANDS.name(), 0, 41));
        return Attempt.of(request, decision, NOW.toEpochMilli());
    }

    @Test
    void itsBuyerItsSellerAndSupportSeeTheOrderAndNobodyElseLearnsItExists() {
        client(BUYER, "BUYER").get().uri("/orders/o-1").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("PLACED").jsonPath("$.version").isEqualTo(1);
        client(SELLER, "SELLER").get().uri("/orders/o-1").exchange().expectStatus().isOk();
        client("agent-1", "SUPPORT").get().uri("/orders/o-1").exchange().expectStatus().isOk();
        client("buyer-2", "BUYER").get().uri("/orders/o-1").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not-found");
        client(BUYER, "BUYER").get().uri("/orders/o-2").exchange().expectStatus().isNotFound();
    }

    @Test
    void aSellerIsShownWhetherAndOnWhatTermsBeforeConfirming() {
        client(SELLER, "SELLER").get().uri("/orders/o-1/cancellation-eligibility").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.allowed").isEqualTo(true).jsonPath("$.version").isEqualTo(1)
                .jsonPath("$.deadline").doesNotExist();
    }

    @Test
    void aCommittedCancellationIsAnswered200AndTheCommandCarriesWhatTheBuyerConfirmed() {
        var key = "key-00001";
        var allowed = decided(Actor.BUYER, BUYER, key, 1L, new CancellationPolicy(WINDOW).decide(order,
                new CancelRequest("c", Actor.BUYER, BUYER, "CHANGED_MIND", 1L, NOW.toEpochMilli(), null)));
        when(attempts.get(OrdersTopology.attemptKey("o-1", BUYER + ":" + key))).thenReturn(null, allowed);

        cancel(client(BUYER, "BUYER"), key, body(1L)).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("CANCELLED")
                .jsonPath("$.commandId").isEqualTo(BUYER + ":" + key)
                .jsonPath("$.refund.amountCents").isEqualTo(5_500);

        var sent = ArgumentCaptor.forClass(CancelOrderCommand.class);
        verify(publisher).publish(eq(Topics.CANCEL_COMMANDS), eq("o-1"), sent.capture());
        assertThat(sent.getValue().getCommandId()).isEqualTo(BUYER + ":" + key); // scoped to the caller
        assertThat(sent.getValue().getActor().name()).isEqualTo("BUYER");
        assertThat(sent.getValue().getActorId()).isEqualTo(BUYER);
        assertThat(sent.getValue().getExpectedVersion()).isEqualTo(1L);
        assertThat(sent.getValue().getRequestedAt()).isEqualTo(NOW);
    }

    @Test
    void aCommittedRefusalIsAProblemWithItsCodeAndTrackingNumber() {
        var key = "key-00002";
        var refused = decided(Actor.SELLER, SELLER, key, 1L, new Decision.Refused(RejectionCode.ALREADY_SHIPPED,
                "The order has shipped", "1Z999"));
        when(attempts.get(OrdersTopology.attemptKey("o-1", SELLER + ":" + key))).thenReturn(null, refused);

        cancel(client(SELLER, "SELLER"), key, body("ITEM_UNAVAILABLE", 1L)).expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.code").isEqualTo("already-shipped")
                .jsonPath("$.trackingNumber").isEqualTo("1Z999")
                .jsonPath("$.commandId").isEqualTo(SELLER + ":" + key);
    }

    @Test
    void aDecisionNotYetCommittedIsNotToldTheCallerIsSentWhereToAsk() {
        var key = "key-00003";
        var allowed = decided(Actor.BUYER, BUYER, key, 1L, new Decision.Allowed(5_500, "USD"));
        when(attempts.get(OrdersTopology.attemptKey("o-1", BUYER + ":" + key))).thenReturn(null, allowed);
        CommitWatch notYet = (source, wait) -> Mono.just(false);

        cancel(client(BUYER, "BUYER", notYet), key, body(1L)).expectStatus().isAccepted()
                .expectHeader().valueEquals("Location", "/orders/o-1/cancellations/" + BUYER + ":" + key)
                .expectBody().jsonPath("$.status").isEqualTo("PENDING");
        client(BUYER, "BUYER", notYet).get().uri("/orders/o-1/cancellations/" + BUYER + ":" + key).exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("PENDING");
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedAndNothingIsSent() {
        var key = "key-00004";
        var earlier = decided(Actor.BUYER, BUYER, key, 1L, new Decision.Allowed(5_500, "USD"));
        when(attempts.get(OrdersTopology.attemptKey("o-1", BUYER + ":" + key))).thenReturn(earlier);

        cancel(client(BUYER, "BUYER"), key, body("FOUND_BETTER_PRICE", 1L)).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
        cancel(client(BUYER, "BUYER"), key, body(1L)).expectStatus().isOk(); // the same request: the first answer
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void strangersCannotCancelOrAskAboutAnotherCallersCancellation() {
        cancel(client("buyer-2", "BUYER"), "key-00005", body(1L)).expectStatus().isNotFound();
        verify(publisher, never()).publish(any(), anyString(), any());

        var key = "key-00006";
        when(attempts.get(OrdersTopology.attemptKey("o-1", BUYER + ":" + key)))
                .thenReturn(decided(Actor.BUYER, BUYER, key, 1L, new Decision.Allowed(5_500, "USD")));
        client(SELLER, "SELLER").get().uri("/orders/o-1/cancellations/" + BUYER + ":" + key).exchange().expectStatus().isNotFound();
        client(BUYER, "BUYER").get().uri("/orders/o-1/cancellations/" + BUYER + ":" + key).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("CANCELLED");
    }

    @Test
    void aBodyWithoutAReasonIsABadRequestNamingTheField() {
        cancel(client(BUYER, "BUYER"), "key-00007", "{\"note\":\"x\"}").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.code").isEqualTo("invalid-request").jsonPath("$.fields.reason").exists();
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void aBuyerOrSellerWhoDidNotLookFirstIsToldToAndNothingIsSent() {
        cancel(client(BUYER, "BUYER"), "key-00008", body(null)).expectStatus().isEqualTo(428)
                .expectBody().jsonPath("$.code").isEqualTo("confirmation-required")
                .jsonPath("$.fields.expectedVersion").exists()
                .jsonPath("$.eligibility").isEqualTo("/orders/o-1/cancellation-eligibility");
        cancel(client(SELLER, "SELLER"), "key-00009", body("ITEM_UNAVAILABLE", null)).expectStatus().isEqualTo(428);
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void aReasonTheCallerMayNotGiveIsRefusedNamingTheirsAndNothingIsSent() {
        cancel(client(BUYER, "BUYER"), "key-00010", body("DISPUTE_RESOLUTION", 1L)).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("reason-not-allowed")
                .jsonPath("$.fields.reason").exists()
                .jsonPath("$.allowedReasons[0]").isEqualTo("CHANGED_MIND");
        cancel(client(SELLER, "SELLER"), "key-00011", body("CHANGED_MIND", 1L)).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.allowedReasons").value(reasons -> assertThat(reasons.toString()).contains("ITEM_UNAVAILABLE"));
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void theReasonsAreServedByActorAndTheCallersOwnWithTheEligibility() {
        client(BUYER, "BUYER").get().uri("/cancellation-reasons").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.buyer[0]").isEqualTo("CHANGED_MIND")
                .jsonPath("$.seller").value(seller -> assertThat(seller.toString()).contains("BUYER_ASKED").doesNotContain("CHANGED_MIND"))
                .jsonPath("$.support").value(support -> assertThat(support.toString()).contains("DISPUTE_RESOLUTION"));
        client(SELLER, "SELLER").get().uri("/orders/o-1/cancellation-eligibility").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.reasons[0]").isEqualTo("ITEM_UNAVAILABLE");
    }

    @Test
    void theOrderAndItsEligibilityShowTheSellersRatingTimeToShipAndCancellationsCaused() {
        var day = Duration.ofDays(1).toMillis();
        var now = NOW.toEpochMilli();
        sales(sale("s-1", now - 3 * day, now - 3 * day + 3_600_000L, 5), sale("s-2", now - 2 * day, now - 2 * day + 7_200_000L, 4),
                sale("s-3", now - day, null, null));

        client(BUYER, "BUYER").get().uri("/orders/o-1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.sellerSignals.averageRating").isEqualTo(4.5)
                .jsonPath("$.sellerSignals.ratingCount").isEqualTo(2)
                .jsonPath("$.sellerSignals.medianTimeToFirstScan").isEqualTo("PT1H30M")
                .jsonPath("$.sellerSignals.sellerCausedCancellations").isEqualTo(0);
        client(SELLER, "SELLER").get().uri("/orders/o-1/cancellation-eligibility").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.sellerSignals.averageRating").isEqualTo(4.5)
                .jsonPath("$.sellerSignals.sales").isEqualTo(3);
    }

    @Test
    void aSellerWithoutRatingsSaysSo() {
        client(BUYER, "BUYER").get().uri("/orders/o-1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.sellerSignals.averageRating").doesNotExist()
                .jsonPath("$.sellerSignals.ratingCount").isEqualTo(0);
    }
}
