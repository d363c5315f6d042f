package market.resale.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReputationTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final Duration PERIOD = Duration.ofDays(90);
    private static final Reputation REPUTATION = new Reputation(PERIOD, 0.3, 3);

    private static long daysAgo(double days) {
        return NOW.minusMillis((long) (days * 86_400_000L)).toEpochMilli();
    }

    private static OrderFact kept(String orderId, long placedAt) {
        return new OrderFact(orderId, "seller-sam", placedAt, OrderStatus.PLACED, null, null, null, null, null);
    }

    private static OrderFact cancelled(String orderId, long placedAt, Actor by, String reason) {
        return new OrderFact(orderId, "seller-sam", placedAt, OrderStatus.CANCELLED, null, placedAt + 60_000, by, reason, null);
    }

    @Nested
    class BuyerRecord {

        /**
         * Given a history across the 90-day edge: 6 orders inside the period (3 cancelled by the buyer,
         * 1 by the seller at her request, 1 by the seller, 1 kept), one placed exactly 90 days ago and
         * one 100 days ago (both cancelled by the buyer, both outside).
         */
        private final List<OrderFact> history = List.of(
                kept("o-1", daysAgo(1)),
                cancelled("o-2", daysAgo(2), Actor.BUYER, "CHANGED_MIND"),
                cancelled("o-3", daysAgo(10), Actor.BUYER, "FOUND_BETTER_PRICE"),
                cancelled("o-4", daysAgo(30), Actor.SELLER_APPROVED, "CHANGED_MIND"),
                cancelled("o-5", daysAgo(60), Actor.SELLER, "ITEM_UNAVAILABLE"),
                cancelled("o-6", NOW.minus(PERIOD).toEpochMilli() + 1, Actor.BUYER, "ORDERED_BY_MISTAKE"),
                cancelled("o-7", NOW.minus(PERIOD).toEpochMilli(), Actor.BUYER, "CHANGED_MIND"),
                cancelled("o-8", daysAgo(100), Actor.BUYER, "CHANGED_MIND"));

        @Test
        void countsTheOrdersPlacedInTheLast90DaysOnlyAndTheRateOfThoseTheBuyerAskedToCancel() {
            var record = REPUTATION.buyer("buyer-ann", history, NOW.toEpochMilli());

            assertThat(record.purchases()).isEqualTo(6);
            assertThat(record.cancellations()).isEqualTo(5);
            assertThat(record.buyerInitiatedCancellations()).isEqualTo(4);
            assertThat(record.rate()).isEqualTo(4.0 / 6.0);
            assertThat(record.byReason()).isEqualTo(Map.of("CHANGED_MIND", 2, "FOUND_BETTER_PRICE", 1,
                    "ITEM_UNAVAILABLE", 1, "ORDERED_BY_MISTAKE", 1));
            assertThat(record.byActor()).isEqualTo(Map.of(Actor.BUYER, 3, Actor.SELLER_APPROVED, 1, Actor.SELLER, 1));
            assertThat(record.since()).isEqualTo(NOW.minus(PERIOD).toEpochMilli());
        }

        @Test
        void oneMillisecondLaterTheOldestOrderInsideThePeriodFallsOut() {
            var record = REPUTATION.buyer("buyer-ann", history, NOW.toEpochMilli() + 1);

            assertThat(record.purchases()).isEqualTo(5);
            assertThat(record.buyerInitiatedCancellations()).isEqualTo(3);
            assertThat(record.rate()).isEqualTo(3.0 / 5.0);
        }

        @Test
        void warnsOnlyAboveTheThresholdAndWithEnoughPurchases() {
            assertThat(REPUTATION.warns(REPUTATION.buyer("b", history, NOW.toEpochMilli()))).isTrue();
            assertThat(REPUTATION.warns(3, 0.3)).as("at the threshold").isFalse();
            assertThat(REPUTATION.warns(2, 1.0)).as("too few purchases").isFalse();
            assertThat(REPUTATION.buyer("new-buyer", List.of(), NOW.toEpochMilli()).rate()).isZero();
        }

        @Test
        void sellerCommentsAreListedNewestFirstWhateverTheirAge() {
            var old = new OrderFact("o-9", "seller-sam", daysAgo(200), OrderStatus.CANCELLED, null, daysAgo(200), Actor.BUYER,
                    "CHANGED_MIND", new SellerComment("k-1", "seller-sam", "Cancelled after an hour", daysAgo(199), null));
            var recent = new OrderFact("o-10", "seller-sue", daysAgo(5), OrderStatus.CANCELLED, null, daysAgo(5), Actor.BUYER,
                    "CHANGED_MIND", new SellerComment("k-2", "seller-sue", "Polite about it", daysAgo(4), null));

            var record = REPUTATION.buyer("buyer-ann", List.of(old, recent), NOW.toEpochMilli());

            assertThat(record.comments()).containsExactly(
                    new Reputation.Comment("o-10", "seller-sue", "Polite about it", daysAgo(4)),
                    new Reputation.Comment("o-9", "seller-sam", "Cancelled after an hour", daysAgo(199)));
        }
    }

    @Nested
    class SellerSignals {

        @Test
        void cancellationRateAndMedianTimeToTheFirstScanOverTheLast90DaysAndNoRatingFeed() {
            var hour = Duration.ofHours(1).toMillis();
            var sales = List.of(
                    new OrderFact("s-1", "b1", daysAgo(1), OrderStatus.SHIPPED, daysAgo(1) + 2 * hour, null, null, null, null),
                    new OrderFact("s-2", "b2", daysAgo(2), OrderStatus.SHIPPED, daysAgo(2) + 10 * hour, null, null, null, null),
                    new OrderFact("s-3", "b3", daysAgo(3), OrderStatus.SHIPPED, daysAgo(3) + 4 * hour, null, null, null, null),
                    // shipped, then cancelled by support after a dispute: still a first scan
                    new OrderFact("s-4", "b4", daysAgo(4), OrderStatus.CANCELLED, daysAgo(4) + 30 * hour, daysAgo(1),
                            Actor.SUPPORT, "DISPUTE_RESOLUTION", null),
                    cancelled("s-5", daysAgo(5), Actor.SELLER, "ITEM_UNAVAILABLE"),
                    new OrderFact("s-6", "b6", daysAgo(95), OrderStatus.SHIPPED, daysAgo(95) + hour, null, null, null, null));

            var signals = REPUTATION.seller("seller-sam", sales, NOW.toEpochMilli());

            assertThat(signals.sales()).isEqualTo(5);
            assertThat(signals.cancellations()).isEqualTo(2);
            assertThat(signals.sellerCausedCancellations()).isEqualTo(2);
            assertThat(signals.cancellationRate()).isEqualTo(0.4);
            assertThat(signals.byActor()).isEqualTo(Map.of(Actor.SUPPORT, 1, Actor.SELLER, 1));
            assertThat(signals.shippedSales()).isEqualTo(4);
            assertThat(signals.medianTimeToFirstScanMillis()).isEqualTo(7 * hour); // (4 h + 10 h) / 2 of 2, 4, 10, 30
            assertThat(signals.averageRating()).isNull();
            assertThat(signals.ratingCount()).isZero();
            assertThat(signals.ratingNote()).isEqualTo(Reputation.NO_RATINGS_YET);
        }

        @Test
        void theRateCountsOnlyTheCancellationsTheSellerCaused() {
            var sales = List.of(
                    cancelled("s-1", daysAgo(1), Actor.BUYER, "CHANGED_MIND"),                // the buyer's own
                    cancelled("s-2", daysAgo(2), Actor.SELLER_APPROVED, "ORDERED_BY_MISTAKE"), // asked by the buyer
                    cancelled("s-3", daysAgo(3), Actor.SELLER, "BUYER_ASKED"),                // asked by the buyer
                    cancelled("s-4", daysAgo(4), Actor.SELLER, "ITEM_UNAVAILABLE"),           // the seller's
                    cancelled("s-5", daysAgo(5), Actor.BUYER, "SELLER_DID_NOT_SHIP"),         // a missed ship-by
                    cancelled("s-6", daysAgo(6), Actor.SUPPORT, "SELLER_NON_RESPONSIVE"),     // decided against the seller
                    cancelled("s-7", daysAgo(7), Actor.SUPPORT, "OTHER"),                     // not against the seller
                    kept("s-8", daysAgo(8)), kept("s-9", daysAgo(9)), kept("s-10", daysAgo(10)));

            var signals = REPUTATION.seller("seller-sam", sales, NOW.toEpochMilli());

            assertThat(signals.cancellations()).isEqualTo(7);
            assertThat(signals.sellerCausedCancellations()).isEqualTo(3);
            assertThat(signals.cancellationRate()).isEqualTo(0.3);
            // and the other way round: a buyer is not held to what the seller caused
            var record = REPUTATION.buyer("buyer-ann", sales, NOW.toEpochMilli());
            assertThat(record.buyerInitiatedCancellations()).isEqualTo(3);
        }

        @Test
        void theRatingIsTheMeanOfEveryRatingBuyersLeftAllTimeToTwoDecimals() {
            var hour = Duration.ofHours(1).toMillis();
            var sales = List.of(
                    new OrderFact("s-1", "b1", daysAgo(1), OrderStatus.SHIPPED, daysAgo(1) + hour, null, null, null, null, 5),
                    new OrderFact("s-2", "b2", daysAgo(2), OrderStatus.SHIPPED, daysAgo(2) + hour, null, null, null, null, 4),
                    new OrderFact("s-3", "b3", daysAgo(3), OrderStatus.SHIPPED, daysAgo(3) + hour, null, null, null, null, null),
                    // rated long ago: outside the period, still part of the rating
                    new OrderFact("s-4", "b4", daysAgo(200), OrderStatus.SHIPPED, daysAgo(200) + hour, null, null, null, null, 4));

            var signals = REPUTATION.seller("seller-sam", sales, NOW.toEpochMilli());

            assertThat(signals.ratingCount()).isEqualTo(3);
            assertThat(signals.averageRating()).isEqualTo(4.33);
            assertThat(signals.ratingNote()).isNull();
            assertThat(signals.sales()).isEqualTo(3);
        }

        @Test
        void theMedianOfAnOddCountIsTheMiddleValue() {
            assertThat(Reputation.median(List.of(5L, 1L, 3L))).isEqualTo(3L);
            assertThat(Reputation.median(List.of())).isNull();
        }
    }
}
