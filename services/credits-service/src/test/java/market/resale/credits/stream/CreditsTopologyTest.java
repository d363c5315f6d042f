package market.resale.credits.stream;

import static market.resale.credits.CreditMother.BUYER;
import static market.resale.credits.CreditMother.CANCELLED_AT;
import static market.resale.credits.CreditMother.cancelled;
import static market.resale.credits.CreditMother.redeem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import market.resale.credits.domain.Account;
import market.resale.credits.domain.LedgerEntry;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.TopologyHarness;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.credits.CreditRedeemed;
import market.resale.schemas.credits.RedeemCredit;
import market.resale.schemas.credits.RedemptionRejected;
import market.resale.schemas.credits.RedemptionRejectionCode;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CreditsTopologyTest {

    private static final String APP = "credits-service";

    private TopologyHarness harness;
    private TestInputTopic<String, OrderCancelled> cancellations;
    private TestInputTopic<String, RedeemCredit> redemptions;
    private TestOutputTopic<String, CreditIssued> issued;
    private TestOutputTopic<String, CreditRedeemed> redeemed;
    private TestOutputTopic<String, RedemptionRejected> rejected;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void start() {
        harness = TopologyHarness.start(APP, (registry, meters) -> CreditsTopology.build(registry, APP, meters), CANCELLED_AT);
        cancellations = harness.input(Topics.ORDER_CANCELLED);
        redemptions = harness.input(Topics.REDEMPTION_REQUESTS);
        issued = harness.output(Topics.CREDIT_ISSUED);
        redeemed = harness.output(Topics.CREDIT_REDEEMED);
        rejected = harness.output(Topics.REDEMPTION_REJECTED);
        deadLetters = harness.deadLetters();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private List<LedgerEntry> ledger() {
        KeyValueStore<String, LedgerEntry> store = harness.store(CreditsTopology.ENTRIES_STORE);
        var entries = new java.util.ArrayList<LedgerEntry>();
        try (var it = store.prefixScan(CreditsTopology.entryPrefix(BUYER), Serdes.String().serializer())) {
            it.forEachRemaining(kv -> entries.add(kv.value));
        }
        return entries;
    }

    private long balance() {
        KeyValueStore<String, Account> store = harness.store(CreditsTopology.ACCOUNTS_STORE);
        var account = store.get(BUYER);
        return account == null ? 0 : account.balance("USD");
    }

    @Test
    void aCancellationIsCreditedToTheBuyerWithEverythingTheyPaid() {
        cancellations.pipeInput("o-1", cancelled("o-1").build());

        assertThat(issued.readKeyValuesToList()).containsExactly(KeyValue.pair(BUYER, CreditIssued.newBuilder()
                .setEntryId("credit-o-1").setUserId(BUYER).setOrderId("o-1").setCancelCommandId("cmd-o-1")
                .setAmountCents(4_500 + 797 + 360 + 500).setCurrency("USD").setBalanceAfterCents(6_157)
                .setIssuedAt(CANCELLED_AT).build()));
        assertThat(balance()).isEqualTo(6_157);
    }

    @Test
    void anOrderThatCostNothingHasItsRefundCompletedWithNothingMoved() {
        cancellations.pipeInput("o-1", cancelled("o-1").build()); // 6157 first, so a balance is there to stay unchanged
        var free = cancelled("o-0").setRefund(market.resale.credits.CreditMother.refund().setItemCents(0).setShippingCents(0)
                .setTaxCents(0).setCreditsAppliedCents(0).setTotalCents(0).build()).build();

        cancellations.pipeInput("o-0", free);
        cancellations.pipeInput("o-0", free); // redelivered

        assertThat(issued.readValuesToList()).extracting(CreditIssued::getOrderId, CreditIssued::getAmountCents,
                CreditIssued::getBalanceAfterCents).containsExactly(tuple("o-1", 6_157L, 6_157L), tuple("o-0", 0L, 6_157L));
        assertThat(deadLetters.readRecordsToList()).as("nothing to refund is an outcome, not a bad record").isEmpty();
        assertThat(ledger()).extracting(LedgerEntry::orderId).as("no ledger line for nothing").containsExactly("o-1");
        assertThat(balance()).isEqualTo(6_157);
        assertThat(harness.count("credit_issued_total", "currency", "USD")).isEqualTo(2);
    }

    @Test
    void creditIssuedIsCountedOnceWithItsAmount() {
        cancellations.pipeInput("o-m", cancelled("o-m").build());
        cancellations.pipeInput("o-m", cancelled("o-m").build());

        assertThat(harness.count("credit_issued_total", "currency", "USD")).isEqualTo(1);
        assertThat(harness.count("credit_issued_cents_total", "currency", "USD")).isEqualTo(6_157);
        assertThat(harness.meters().find("cancellation_to_credit_seconds").timer().count()).isEqualTo(1);
    }

    @Test
    void theSameCancellationRedeliveredLeavesOneLedgerEntry() {
        var cancellation = cancelled("o-2").build();

        cancellations.pipeInput("o-2", cancellation);
        cancellations.pipeInput("o-2", cancellation);
        cancellations.pipeInput("o-2", cancelled("o-2").setCommandId("another-command").build());

        assertThat(issued.readValuesToList()).hasSize(1);
        assertThat(ledger()).extracting(LedgerEntry::orderId).containsExactly("o-2");
        assertThat(balance()).isEqualTo(6_157);
    }

    @Test
    void redemptionsRacingForTheSameCreditNeverTakeTheBalanceBelowZero() {
        cancellations.pipeInput("o-3", cancelled("o-3").build()); // 6157

        redemptions.pipeInput(BUYER, redeem("r-1", 4_000).build());
        redemptions.pipeInput(BUYER, redeem("r-2", 4_000).build());
        redemptions.pipeInput(BUYER, redeem("r-3", 2_157).build());

        assertThat(redeemed.readValuesToList()).extracting(CreditRedeemed::getRequestId, CreditRedeemed::getBalanceAfterCents)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r-1", 2_157L), org.assertj.core.groups.Tuple.tuple("r-3", 0L));
        assertThat(rejected.readValuesToList()).extracting(RedemptionRejected::getRequestId, RedemptionRejected::getCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r-2", RedemptionRejectionCode.INSUFFICIENT_BALANCE));
        assertThat(balance()).isZero();
        assertThat(ledger()).extracting(LedgerEntry::amountCents).containsExactly(6_157L, -4_000L, -2_157L);
    }

    @Test
    void aRetriedRedemptionWithTheSameKeyIsAppliedOnce() {
        cancellations.pipeInput("o-4", cancelled("o-4").build());

        redemptions.pipeInput(BUYER, redeem("r-same", 1_000).build());
        redemptions.pipeInput(BUYER, redeem("r-same", 1_000).build());

        assertThat(redeemed.readValuesToList()).hasSize(1);
        assertThat(balance()).isEqualTo(5_157);
    }

    @Test
    void aRedemptionInAnotherCurrencyIsRefused() {
        cancellations.pipeInput("o-5", cancelled("o-5").build());

        redemptions.pipeInput(BUYER, redeem("r-eur", 100).setCurrency("EUR").build());

        assertThat(rejected.readValuesToList()).extracting(RedemptionRejected::getCode)
                .containsExactly(RedemptionRejectionCode.CURRENCY_MISMATCH);
        assertThat(balance()).isEqualTo(6_157);
    }

    @Test
    void poisonAndInvalidRecordsAreDeadLetteredAndTheNextRecordIsProcessed() {
        for (var topic : List.of(Topics.ORDER_CANCELLED, Topics.REDEMPTION_REQUESTS)) {
            harness.rawInput(topic)
                    .pipeInput("poison", "{\"json\":true}".getBytes(StandardCharsets.UTF_8));
        }
        cancellations.pipeInput("o-6", cancelled("o-6").setRefund(
                market.resale.credits.CreditMother.refund().setTotalCents(-5).build()).build());
        redemptions.pipeInput(BUYER, redeem("r-neg", -10).build());

        cancellations.pipeInput("o-7", cancelled("o-7").build());

        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactly("not-deserializable", "not-deserializable", "invalid", "invalid");
        assertThat(issued.readValuesToList()).extracting(CreditIssued::getOrderId).containsExactly("o-7");
    }

    /** The service README shows the topology this code builds, every output a named sink (Topology.describe()). */
    @org.junit.jupiter.api.Test
    void theReadmeShowsThisTopology() throws Exception {
        harness.assertReadmeShowsTopology(java.nio.file.Path.of("README.md"));
    }
}
