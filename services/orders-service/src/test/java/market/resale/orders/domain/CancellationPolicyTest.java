package market.resale.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cancellation rules at each of their edges (docs/rules.md, rules 1, 2, 3, 4, 5, 7), on the policy alone: who may
 * cancel, until when, after which changes, and what the eligibility answer shows before a confirmation.
 */
class CancellationPolicyTest {

    static final Duration WINDOW = Duration.ofHours(3);
    static final long PLACED_AT = 1_700_000_000_000L;
    static final long CLOSES_AT = PLACED_AT + WINDOW.toMillis();
    static final long SHIP_BY = PLACED_AT + Duration.ofDays(7).toMillis();
    static final String BUYER = "buyer-1";
    static final String SELLER = "seller-1";

    final CancellationPolicy policy = new CancellationPolicy(WINDOW);

    static Order placed() {
        return Order.placed("o-1", BUYER, SELLER, new Item("l-1", "Denim jacket", "M", "GOOD"),
                new Amounts(4_500, 700, 300, 1_000, "USD"), PLACED_AT, CLOSES_AT);
    }

    static Order shipped() {
        return placed().shipped(new Shipment("1Z999", "UPS", PLACED_AT + 60_000));
    }

    /** A buyer or seller confirming what a placed order showed (version 1), with a reason of their own. */
    static CancelRequest request(Actor actor, String actorId, long at) {
        return request(actor, actorId, at, actor == Actor.BUYER || actor == Actor.SELLER ? 1L : null, null);
    }

    static CancelRequest request(Actor actor, String actorId, long at, Long expectedVersion, String reference) {
        return request(actor, actorId, at, expectedVersion, reference, switch (actor) {
            case BUYER, SELLER_APPROVED -> "CHANGED_MIND";
            case SELLER -> "ITEM_UNAVAILABLE";
            case SUPPORT -> "DISPUTE_RESOLUTION";
        });
    }

    static CancelRequest request(Actor actor, String actorId, long at, Long expectedVersion, String reference, String reason) {
        return new CancelRequest("c-1", actor, actorId, reason, expectedVersion, at, reference);
    }

    static RejectionCode refusal(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Refused.class);
        return ((Decision.Refused) decision).code();
    }

    @Nested
    class TheBuyersWindow { // rule 1

        @Test
        void opensAtPlacementAndIsOpenUntilItsLastMillisecond() {
            assertThat(policy.windowClosesAt(PLACED_AT)).isEqualTo(CLOSES_AT);
            assertThat(policy.decide(placed(), request(Actor.BUYER, BUYER, PLACED_AT)).allowed()).isTrue();
            assertThat(policy.decide(placed(), request(Actor.BUYER, BUYER, CLOSES_AT - 1)).allowed()).isTrue();
        }

        @Test
        void isClosedAtExactlyThreeHours() {
            var decision = policy.decide(placed(), request(Actor.BUYER, BUYER, CLOSES_AT));
            assertThat(refusal(decision)).isEqualTo(RejectionCode.WINDOW_EXPIRED);
            assertThat(((Decision.Refused) decision).detail()).contains("3-hour").contains("ask the seller");
        }

        @Test
        void isJudgedAtTheRequestNotAtProcessing() {
            // Requested inside the window, decided after it closed: still inside (the request's own time counts).
            var order = placed().windowExpired(CLOSES_AT + 5_000);
            assertThat(policy.decide(order, request(Actor.BUYER, BUYER, CLOSES_AT - 1)).allowed()).isTrue();
        }

        @Test
        void followsTheConfiguredLength() {
            var oneHour = new CancellationPolicy(Duration.ofHours(1));
            assertThat(oneHour.windowClosesAt(PLACED_AT)).isEqualTo(PLACED_AT + 3_600_000);
        }

        @Test
        void doesNotApplyToSellersOrSupport() {
            var late = CLOSES_AT + Duration.ofDays(2).toMillis();
            assertThat(policy.decide(placed(), request(Actor.SELLER, SELLER, late)).allowed()).isTrue();
            assertThat(policy.decide(placed(), request(Actor.SELLER_APPROVED, SELLER, late, null, "req-1")).allowed()).isTrue();
            assertThat(policy.decide(placed(), request(Actor.SUPPORT, "agent-1", late, null, "case-1")).allowed()).isTrue();
        }
    }

    @Nested
    class Shipping { // rule 2, rule 5

        @ParameterizedTest
        @EnumSource(value = Actor.class, names = {"BUYER", "SELLER", "SELLER_APPROVED"})
        void closesEveryCancellationButSupportsNamingTheTrackingNumber(Actor actor) {
            var actorId = actor == Actor.BUYER ? BUYER : SELLER;
            var shown = actor == Actor.SELLER_APPROVED ? null : 2L; // what the shipped order shows
            var decision = policy.decide(shipped(), request(actor, actorId, PLACED_AT + 120_000, shown, "req-1"));
            assertThat(refusal(decision)).isEqualTo(RejectionCode.ALREADY_SHIPPED);
            var refused = (Decision.Refused) decision;
            assertThat(refused.trackingNumber()).isEqualTo("1Z999");
            assertThat(refused.detail()).contains("UPS tracking 1Z999").contains("return");
        }

        @Test
        void closesTheBuyersWindowEvenInsideItsThreeHours() {
            assertThat(refusal(policy.decide(shipped(), request(Actor.BUYER, BUYER, PLACED_AT + 120_000, 2L, null))))
                    .isEqualTo(RejectionCode.ALREADY_SHIPPED);
        }

        @Test
        void leavesSupportFreeToCancelAShippedOrder() {
            var decision = policy.decide(shipped(), request(Actor.SUPPORT, "agent-1", PLACED_AT + 120_000, null, "case-1"));
            assertThat(decision).isEqualTo(new Decision.Allowed(6_500, "USD"));
        }
    }

    @Nested
    class WhoMayCancel { // rules 3, 4, 5

        @Test
        void onlyTheOrdersBuyerAsBuyerAndItsSellerAsSeller() {
            assertThat(refusal(policy.decide(placed(), request(Actor.BUYER, "someone-else", PLACED_AT))))
                    .isEqualTo(RejectionCode.NOT_A_PARTY);
            assertThat(refusal(policy.decide(placed(), request(Actor.BUYER, SELLER, PLACED_AT))))
                    .isEqualTo(RejectionCode.NOT_A_PARTY);
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER, BUYER, PLACED_AT))))
                    .isEqualTo(RejectionCode.NOT_A_PARTY);
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER_APPROVED, BUYER, PLACED_AT, null, "req-1"))))
                    .isEqualTo(RejectionCode.NOT_A_PARTY);
        }

        @Test
        void aSellersApprovalAnswersARequest() {
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER_APPROVED, SELLER, PLACED_AT, null, null))))
                    .isEqualTo(RejectionCode.REQUEST_REQUIRED);
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER_APPROVED, SELLER, PLACED_AT, null, " "))))
                    .isEqualTo(RejectionCode.REQUEST_REQUIRED);
        }

        @Test
        void supportCancelsOnlyAsTheOutcomeOfACase() {
            assertThat(refusal(policy.decide(placed(), request(Actor.SUPPORT, "agent-1", PLACED_AT, null, null))))
                    .isEqualTo(RejectionCode.CASE_REQUIRED);
            assertThat(policy.decide(placed(), request(Actor.SUPPORT, "agent-1", PLACED_AT, null, "case-1")).allowed()).isTrue();
        }
    }

    @Nested
    class Confirmation { // rule 7

        @Test
        void quotingTheVersionShownIsApplied() {
            assertThat(policy.decide(placed(), request(Actor.BUYER, BUYER, PLACED_AT, 1L, null)).allowed()).isTrue();
        }

        @Test
        void anOrderThatShippedSinceItWasShownIsRefusedNamingTheParcelAndTheWayOn() {
            var decision = policy.decide(shipped(), request(Actor.BUYER, BUYER, PLACED_AT + 120_000, 1L, null));
            assertThat(refusal(decision)).isEqualTo(RejectionCode.ALREADY_SHIPPED);
            assertThat(((Decision.Refused) decision).detail()).contains("tracking 1Z999").contains("return");
            assertThat(((Decision.Refused) decision).trackingNumber()).isEqualTo("1Z999");
        }

        @Test
        void anAgentQuotingAVersionThatShippedSinceIsRefusedAsStaleNamingTheTracking() {
            var decision = policy.decide(shipped(), request(Actor.SUPPORT, "agent-1", PLACED_AT + 120_000, 1L, "case-1"));
            assertThat(refusal(decision)).isEqualTo(RejectionCode.STALE_CONFIRMATION);
            assertThat(((Decision.Refused) decision).detail()).contains("it shipped (tracking 1Z999)").contains("Look at it again");
            assertThat(((Decision.Refused) decision).trackingNumber()).isEqualTo("1Z999");
        }

        @ParameterizedTest
        @EnumSource(value = Actor.class, names = {"BUYER", "SELLER"})
        void isRequiredOfBuyersAndSellersWhoAreToldToLookFirst(Actor actor) {
            var decision = policy.decide(placed(), request(actor, actor == Actor.BUYER ? BUYER : SELLER, PLACED_AT, null, null));
            assertThat(refusal(decision)).isEqualTo(RejectionCode.CONFIRMATION_REQUIRED);
            assertThat(((Decision.Refused) decision).detail()).contains("eligibility").contains("expectedVersion");
        }

        @Test
        void isNotRequiredOfSupportOrOfASellersApprovalOfARequest() {
            assertThat(policy.decide(placed(), request(Actor.SUPPORT, "agent-1", PLACED_AT, null, "case-1")).allowed()).isTrue();
            assertThat(policy.decide(placed(), request(Actor.SELLER_APPROVED, SELLER, PLACED_AT, null, "req-1")).allowed()).isTrue();
        }

        @Test
        void aVersionNeverShownIsRefusedAsStale() {
            var decision = policy.decide(placed(), request(Actor.SELLER, SELLER, PLACED_AT, 7L, null));
            assertThat(refusal(decision)).isEqualTo(RejectionCode.STALE_CONFIRMATION);
            assertThat(((Decision.Refused) decision).detail()).contains("it changed");
        }
    }

    @Nested
    class ReasonsByActor { // rules 3, 4, 5

        @Test
        void aBuyerCannotGiveTheSystemsOrTheSellersReasons() {
            for (var reason : new String[] {"SELLER_NON_RESPONSIVE", "DISPUTE_RESOLUTION", "ITEM_UNAVAILABLE", "BUYER_ASKED"}) {
                var decision = policy.decide(placed(), request(Actor.BUYER, BUYER, PLACED_AT, 1L, null, reason));
                assertThat(refusal(decision)).as(reason).isEqualTo(RejectionCode.REASON_NOT_ALLOWED);
                assertThat(((Decision.Refused) decision).detail()).contains(reason).contains("CHANGED_MIND, FOUND_BETTER_PRICE");
            }
            for (var reason : CancellationPolicy.reasons(Actor.BUYER)) {
                var at = reason.equals("SELLER_DID_NOT_SHIP") ? SHIP_BY : PLACED_AT; // rule 13's reason, once it applies
                assertThat(policy.decide(placed(), request(Actor.BUYER, BUYER, at, 1L, null, reason)).allowed()).as(reason).isTrue();
            }
        }

        @Test
        void aSellerGivesTheSellersReasonsOnly() {
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER, SELLER, PLACED_AT, 1L, null, "CHANGED_MIND"))))
                    .isEqualTo(RejectionCode.REASON_NOT_ALLOWED);
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER, SELLER, PLACED_AT, 1L, null, "DISPUTE_RESOLUTION"))))
                    .isEqualTo(RejectionCode.REASON_NOT_ALLOWED);
            for (var reason : CancellationPolicy.reasons(Actor.SELLER)) {
                assertThat(policy.decide(placed(), request(Actor.SELLER, SELLER, PLACED_AT, 1L, null, reason)).allowed()).as(reason).isTrue();
            }
        }

        @Test
        void aSellersApprovalCarriesTheBuyersReasonAndSupportAnyReason() {
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER_APPROVED, SELLER, PLACED_AT, null, "req-1",
                    "DISPUTE_RESOLUTION")))).isEqualTo(RejectionCode.REASON_NOT_ALLOWED);
            for (var reason : CancellationPolicy.reasons(Actor.SUPPORT)) {
                assertThat(policy.decide(placed(), request(Actor.SUPPORT, "agent-1", PLACED_AT, null, "case-1", reason)).allowed())
                        .as(reason).isTrue();
            }
            assertThat(CancellationPolicy.reasons(Actor.SUPPORT)).contains("SELLER_NON_RESPONSIVE", "DISPUTE_RESOLUTION");
        }

        @Test
        void theEligibilityAnswerListsTheCallersOwn() {
            assertThat(policy.eligibility(placed(), Actor.BUYER, BUYER, PLACED_AT).reasons())
                    .containsExactly("CHANGED_MIND", "FOUND_BETTER_PRICE", "ORDERED_BY_MISTAKE", "SHIPPING_TOO_SLOW", "OTHER");
            assertThat(policy.eligibility(placed(), Actor.SELLER, SELLER, PLACED_AT).reasons()).contains("ITEM_UNAVAILABLE", "BUYER_ASKED");
        }
    }

    @Nested
    class ShipByDeadline { // rule 13

        @Test
        void isSevenDaysAfterPlacementByDefaultAndFollowsTheSetting() {
            assertThat(policy.shipBy(PLACED_AT)).isEqualTo(SHIP_BY);
            assertThat(new CancellationPolicy(WINDOW, Duration.ofDays(3)).shipBy(PLACED_AT)).isEqualTo(PLACED_AT + Duration.ofDays(3).toMillis());
            var stored = Order.placed("o-2", BUYER, SELLER, placed().item(), placed().amounts(), PLACED_AT, CLOSES_AT, PLACED_AT + 5);
            assertThat(policy.shipBy(stored)).as("an order keeps the deadline it was placed with").isEqualTo(PLACED_AT + 5);
        }

        @Test
        void lateShippingLetsTheBuyerCancelWithoutTheSellerFromItsFirstMillisecond() {
            var before = policy.decide(placed(), request(Actor.BUYER, BUYER, SHIP_BY - 1, 1L, null, "SELLER_DID_NOT_SHIP"));
            assertThat(refusal(before)).isEqualTo(RejectionCode.SHIP_BY_NOT_PASSED);
            assertThat(((Decision.Refused) before).detail()).contains(java.time.Instant.ofEpochMilli(SHIP_BY).toString());
            assertThat(policy.decide(placed(), request(Actor.BUYER, BUYER, SHIP_BY, 1L, null, "SELLER_DID_NOT_SHIP")))
                    .isEqualTo(new Decision.Allowed(6_500, "USD"));
            // the buyer's own window is long closed; another reason is still refused by it
            assertThat(refusal(policy.decide(placed(), request(Actor.BUYER, BUYER, SHIP_BY, 1L, null, "CHANGED_MIND"))))
                    .isEqualTo(RejectionCode.WINDOW_EXPIRED);
        }

        @Test
        void aShippedOrderIsNotLateWhateverTheDate() {
            assertThat(refusal(policy.decide(shipped(), request(Actor.BUYER, BUYER, SHIP_BY + 1, 2L, null, "SELLER_DID_NOT_SHIP"))))
                    .isEqualTo(RejectionCode.ALREADY_SHIPPED);
        }

        @Test
        void onlyTheBuyerGivesItAndNeverInARequestToTheSeller() {
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER, SELLER, SHIP_BY, 1L, null, "SELLER_DID_NOT_SHIP"))))
                    .isEqualTo(RejectionCode.REASON_NOT_ALLOWED);
            assertThat(refusal(policy.decide(placed(), request(Actor.SELLER_APPROVED, SELLER, SHIP_BY, null, "req-1",
                    "SELLER_DID_NOT_SHIP")))).isEqualTo(RejectionCode.REASON_NOT_ALLOWED);
        }

        @Test
        void theEligibilityShowsTheDeadlineAndPastItTheCancellationThatDoesNotCountOnTheBuyer() {
            var before = policy.eligibility(placed(), Actor.BUYER, BUYER, SHIP_BY - 1);
            assertThat(before.shipBy()).isEqualTo(SHIP_BY);
            assertThat(refusal(before.decision())).isEqualTo(RejectionCode.WINDOW_EXPIRED);
            assertThat(before.reasons()).doesNotContain("SELLER_DID_NOT_SHIP");
            var after = policy.eligibility(placed(), Actor.BUYER, BUYER, SHIP_BY);
            assertThat(after.decision().allowed()).isTrue();
            assertThat(after.reasons()).containsExactly("SELLER_DID_NOT_SHIP");
            assertThat(after.affectsRecord()).isFalse();
            assertThat(policy.eligibility(placed(), Actor.SELLER, SELLER, PLACED_AT).shipBy()).isEqualTo(SHIP_BY);
            assertThat(policy.eligibility(shipped(), Actor.BUYER, BUYER, SHIP_BY).shipBy()).isNull();
        }
    }

    @Nested
    class OnceCancelled {

        @ParameterizedTest
        @EnumSource(Actor.class)
        void noOneCancelsItAgain(Actor actor) {
            var cancelled = placed().decided(request(Actor.SELLER, SELLER, PLACED_AT), new Decision.Allowed(6_500, "USD"), PLACED_AT + 1);
            var actorId = switch (actor) {
                case BUYER -> BUYER;
                case SELLER, SELLER_APPROVED -> SELLER;
                case SUPPORT -> "agent-1";
            };
            var shown = actor == Actor.BUYER || actor == Actor.SELLER ? 2L : null;
            assertThat(refusal(policy.decide(cancelled, request(actor, actorId, PLACED_AT + 2, shown, "ref-1"))))
                    .isEqualTo(RejectionCode.ALREADY_CANCELLED);
        }
    }

    @Nested
    class AllowedCancellations { // rule 6

        @Test
        void refundEverythingTheBuyerPaidCreditSpentIncluded() {
            assertThat(policy.decide(placed(), request(Actor.BUYER, BUYER, PLACED_AT))).isEqualTo(new Decision.Allowed(6_500, "USD"));
        }
    }

    @Nested
    class WhatIsShownBeforeConfirming { // rule 7

        @Test
        void aBuyerSeesTheDeadlineTheRefundTheVersionAndThatItCountsOnTheirRecord() {
            var shown = policy.eligibility(placed(), Actor.BUYER, BUYER, PLACED_AT + 60_000);
            assertThat(shown.decision().allowed()).isTrue();
            assertThat(shown.deadline()).isEqualTo(CLOSES_AT);
            assertThat(shown.version()).isEqualTo(1);
            assertThat(shown.refundCents()).isEqualTo(6_500);
            assertThat(shown.currency()).isEqualTo("USD");
            assertThat(shown.affectsRecord()).isTrue();
        }

        @Test
        void aBuyerAfterTheWindowSeesWhyNot() {
            var shown = policy.eligibility(placed(), Actor.BUYER, BUYER, CLOSES_AT);
            assertThat(refusal(shown.decision())).isEqualTo(RejectionCode.WINDOW_EXPIRED);
        }

        @Test
        void noDeadlineOnceShippedOrForOthers() {
            assertThat(policy.eligibility(shipped(), Actor.BUYER, BUYER, PLACED_AT + 120_000).deadline()).isNull();
            var seller = policy.eligibility(placed(), Actor.SELLER, SELLER, PLACED_AT);
            assertThat(seller.deadline()).isNull();
            assertThat(seller.affectsRecord()).isFalse();
        }

        @Test
        void anAgentSeesWhatACaseOutcomeWouldGet() {
            assertThat(policy.eligibility(shipped(), Actor.SUPPORT, "agent-1", PLACED_AT + 120_000).decision().allowed()).isTrue();
        }
    }
}
