package market.resale.credits.web;

import market.resale.platform.web.ControllerHarness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import market.resale.credits.config.CreditsSettings;
import market.resale.credits.domain.Account;
import market.resale.credits.domain.RedemptionOutcome;
import market.resale.credits.stream.CreditsTopology;
import market.resale.platform.ManualClock;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.SourceOffset;
import market.resale.platform.web.CommandFlow;
import market.resale.schemas.credits.RedeemCredit;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * The credits API on its own (stores and the publisher stand in for the stream): whose balance a caller sees, a
 * redemption answered from its committed outcome (200, 409 with the balance, 202 while not committed, 422 for a key
 * reused with another body), and a cash-out always refused (rule 6).
 */
class CreditsControllerTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final String ANN = "buyer-ann";

    private final ControllerHarness harness = new ControllerHarness();
    private final EventPublisher publisher = harness.publisher;
    private ReadOnlyKeyValueStore<String, RedemptionOutcome> redemptions;

    @BeforeEach
    void setUp() {
        ReadOnlyKeyValueStore<String, Account> accounts = harness.store(CreditsTopology.ACCOUNTS_STORE);
        redemptions = harness.store(CreditsTopology.REDEMPTIONS_STORE);
        when(accounts.get(ANN)).thenReturn(Account.open(ANN).credit("USD", 5_500).credit("EUR", 100));
        harness.acknowledges(Topics.REDEMPTION_REQUESTS, ANN, 7);
    }

    private WebTestClient client(String userId, String role, CommitWatch commits) {
        var controller = new CreditsController(harness.router, harness.routing(), publisher,
                new CreditsSettings(Duration.ofMillis(200), 1_000_000), new ManualClock(NOW), new CommandFlow(commits));
        return ControllerHarness.client(userId, role, controller);
    }

    private WebTestClient client(String userId, String role) {
        return client(userId, role, CommitWatch.PROCESSED_IS_COMMITTED);
    }

    private WebTestClient.ResponseSpec redeem(WebTestClient client, String key, long amountCents) {
        return client.post().uri("/accounts/" + ANN + "/redemptions").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", key)
                .bodyValue("{\"orderId\":\"o-9\",\"amountCents\":" + amountCents + ",\"currency\":\"USD\"}").exchange();
    }

    private static RedemptionOutcome outcome(String key, boolean redeemed, String refusal, long amountCents, long balanceAfter) {
        return new RedemptionOutcome(key, ANN, "o-9", redeemed, refusal, amountCents, "USD", balanceAfter,
                redeemed ? "redeem-" + key : null, NOW.toEpochMilli(), new SourceOffset(Topics.REDEMPTION_REQUESTS.name(), 0, 7));
    }

    @Test
    void theUserAndSupportSeeTheBalanceAndNobodyElseLearnsTheAccountExists() {
        client(ANN, "BUYER").get().uri("/accounts/" + ANN).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.balances[0].currency").isEqualTo("EUR")
                .jsonPath("$.balances[1].amountCents").isEqualTo(5_500);
        client("agent-1", "SUPPORT").get().uri("/accounts/" + ANN).exchange().expectStatus().isOk();
        client("buyer-bob", "BUYER").get().uri("/accounts/" + ANN).exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not-found");
    }

    @Test
    void aCommittedRedemptionIsAnswered200WithTheBalanceAfter() {
        var key = "key-00001";
        when(redemptions.get(CreditsTopology.redemptionKey(ANN, key))).thenReturn(null, outcome(key, true, null, 2_000, 3_500));

        redeem(client(ANN, "BUYER"), key, 2_000).expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("REDEEMED").jsonPath("$.balanceAfterCents").isEqualTo(3_500);

        var sent = ArgumentCaptor.forClass(RedeemCredit.class);
        verify(publisher).publish(eq(Topics.REDEMPTION_REQUESTS), eq(ANN), sent.capture());
        assertThat(sent.getValue().getRequestId()).isEqualTo(key);
        assertThat(sent.getValue().getAmountCents()).isEqualTo(2_000);
        assertThat(sent.getValue().getRequestedAt()).isEqualTo(NOW);
    }

    @Test
    void aRefusalIsAProblemWithTheBalance() {
        var key = "key-00002";
        when(redemptions.get(CreditsTopology.redemptionKey(ANN, key)))
                .thenReturn(null, outcome(key, false, "INSUFFICIENT_BALANCE", 9_000, 5_500));

        redeem(client(ANN, "BUYER"), key, 9_000).expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.code").isEqualTo("insufficient-balance").jsonPath("$.balanceCents").isEqualTo(5_500);
    }

    @Test
    void anOutcomeNotYetCommittedIsNotToldTheCallerIsSentWhereToAsk() {
        var key = "key-00003";
        when(redemptions.get(CreditsTopology.redemptionKey(ANN, key))).thenReturn(null, outcome(key, true, null, 2_000, 3_500));
        CommitWatch notYet = (source, wait) -> Mono.just(false);

        redeem(client(ANN, "BUYER", notYet), key, 2_000).expectStatus().isAccepted()
                .expectHeader().valueEquals("Location", "/accounts/" + ANN + "/redemptions/" + key)
                .expectBody().jsonPath("$.status").isEqualTo("PENDING");
    }

    @Test
    void theSameKeyWithAnotherAmountIsRefusedAndNothingIsSpent() {
        var key = "key-00004";
        when(redemptions.get(CreditsTopology.redemptionKey(ANN, key))).thenReturn(outcome(key, true, null, 2_000, 3_500));

        redeem(client(ANN, "BUYER"), key, 2_500).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
        redeem(client(ANN, "BUYER"), key, 2_000).expectStatus().isOk(); // the same request: the recorded answer
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void onlyTheUserSpendsTheirCreditAndNeverAsCash() {
        redeem(client("buyer-bob", "BUYER"), "key-00005", 100).expectStatus().isNotFound();
        redeem(client("agent-1", "SUPPORT"), "key-00005", 100).expectStatus().isNotFound();
        client(ANN, "BUYER").post().uri("/accounts/" + ANN + "/cash-outs").exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.code").isEqualTo("cash-out-not-supported");
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void aRedemptionAboveTheLimitIsRefusedNamingTheField() {
        redeem(client(ANN, "BUYER"), "key-00006", 1_000_001).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.code").isEqualTo("amount-too-large").jsonPath("$.fields.amountCents").exists();
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void anotherUsersRedemptionIsNotFound() {
        var key = "key-00007";
        when(redemptions.get(CreditsTopology.redemptionKey(ANN, key))).thenReturn(outcome(key, true, null, 2_000, 3_500));
        client("buyer-bob", "BUYER").get().uri("/accounts/" + ANN + "/redemptions/" + key).exchange().expectStatus().isNotFound();
        client(ANN, "BUYER").get().uri("/accounts/" + ANN + "/redemptions/" + key).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("REDEEMED");
    }
}
