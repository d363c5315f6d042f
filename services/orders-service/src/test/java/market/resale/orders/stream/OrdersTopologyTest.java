package market.resale.orders.stream;

import static market.resale.orders.OrderMother.PLACED_AT;
import static market.resale.orders.OrderMother.REFUND_CENTS;
import static market.resale.orders.OrderMother.REMINDER;
import static market.resale.orders.OrderMother.WINDOW;
import static market.resale.orders.OrderMother.buyerCancels;
import static market.resale.orders.OrderMother.placed;
import static market.resale.orders.OrderMother.sellerApproves;
import static market.resale.orders.OrderMother.sellerCancels;
import static market.resale.orders.OrderMother.shipped;
import static market.resale.orders.OrderMother.supportCancels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.Attempt;
import market.resale.platform.kafka.SourceOffset;
import market.resale.orders.domain.OrderStatus;
import market.resale.orders.domain.SellerComment;
import market.resale.orders.domain.Shipment;
import market.resale.orders.domain.TimelineEntry;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.TopologyHarness;
import market.resale.schemas.RecordMother;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.orders.BuyerCommentCommand;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.ShipByStage;
import market.resale.schemas.orders.ShipByDue;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.CancellationWindowClosing;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.Refund;
import market.resale.schemas.orders.RejectionCode;
import market.resale.schemas.orders.WindowClosedCause;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.support.CaseAction;
import market.resale.schemas.support.CaseEvent;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.support.CaseType;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The cancellation rules as the topology applies them, with time driven explicitly. */
class OrdersTopologyTest {

    private static final Duration ANSWER_RETENTION = Duration.ofDays(7);
    private static final Duration EARLY_SHIPMENT_RETENTION = Duration.ofDays(30);
    private static final Duration SHIP_BY = Duration.ofDays(7);
    private static final Duration SHIP_BY_REMINDER = Duration.ofDays(1);
    private static final String APP = "orders-service";

    private TopologyHarness harness;
    private TestInputTopic<String, OrderPlaced> placedTopic;
    private TestInputTopic<String, OrderShipped> shippedTopic;
    private TestInputTopic<String, CancelOrderCommand> commandTopic;
    private TestOutputTopic<String, OrderCancelled> cancelledTopic;
    private TestOutputTopic<String, CancellationRejected> rejectedTopic;
    private TestOutputTopic<String, CancellationWindowClosed> windowTopic;
    private TestOutputTopic<String, byte[]> deadLetterTopic;

    @BeforeEach
    void start() {
        var settings = new OrdersSettings(WINDOW, Duration.ofSeconds(1), 10_000, Duration.ofSeconds(5), REMINDER,
                ANSWER_RETENTION, EARLY_SHIPMENT_RETENTION, SHIP_BY, SHIP_BY_REMINDER, new OrdersSettings.Reputation(Duration.ofDays(90), 0.3, 3));
        harness = TopologyHarness.start(APP, (registry, meters) -> OrdersTopology.build(settings, registry, APP, meters), PLACED_AT);
        placedTopic = harness.input(Topics.ORDER_PLACED);
        shippedTopic = harness.input(Topics.ORDER_SHIPPED);
        commandTopic = harness.input(Topics.CANCEL_COMMANDS);
        cancelledTopic = harness.output(Topics.ORDER_CANCELLED);
        rejectedTopic = harness.output(Topics.CANCELLATION_REJECTED);
        windowTopic = harness.output(Topics.WINDOW_CLOSED);
        deadLetterTopic = harness.deadLetters();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void place(String orderId) {
        placedTopic.pipeInput(orderId, placed(orderId).build());
    }

    private void at(Instant now) {
        harness.advanceWallClockTo(now);
    }

    private Order order(String orderId) {
        KeyValueStore<String, Order> store = harness.store(OrdersTopology.ORDERS_STORE);
        return store.get(orderId);
    }

    private static Refund fullRefund() {
        return RecordMother.refund().build();
    }

    private OrderCancelled expectedCancellation(CancelOrderCommand command, Instant at) {
        return OrderCancelled.newBuilder().setOrderId(command.getOrderId()).setCommandId(command.getCommandId())
                .setBuyerId("buyer-ann").setSellerId("seller-sam").setActor(command.getActor())
                .setActorId(command.getActorId()).setReason(command.getReason()).setRefund(fullRefund())
                .setPlacedAt(PLACED_AT).setCancelledAt(at).setReference(command.getReference()).setNote(command.getNote()).build();
    }

    @Nested
    class BuyerWindow {

        @Test
        void aBuyerCancelOneMillisecondBeforeThreeHoursIsAllowedWithTheFullRefund() {
            place("o-1");
            var command = buyerCancels("o-1", PLACED_AT.plus(WINDOW).minusMillis(1)).build();

            commandTopic.pipeInput("o-1", command);

            assertThat(cancelledTopic.readValuesToList()).containsExactly(expectedCancellation(command, PLACED_AT));
            assertThat(rejectedTopic.isEmpty()).isTrue();
            assertThat(order("o-1").status()).isEqualTo(OrderStatus.CANCELLED);
        }

        @Test
        void aBuyerCancelAtExactlyThreeHoursIsRefusedWithTheWindowReason() {
            place("o-2");

            commandTopic.pipeInput("o-2", buyerCancels("o-2", PLACED_AT.plus(WINDOW)).build());

            assertThat(cancelledTopic.isEmpty()).isTrue();
            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.WINDOW_EXPIRED);
            assertThat(order("o-2").status()).isEqualTo(OrderStatus.PLACED);
        }

        @Test
        void aBuyerCancelAfterThreeHoursIsRefusedWithTheWindowReason() {
            place("o-3");

            commandTopic.pipeInput("o-3", buyerCancels("o-3", PLACED_AT.plus(WINDOW).plusSeconds(60)).build());

            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.WINDOW_EXPIRED);
        }

        @Test
        void theWindowTimerAnnouncesTheExpiryOnceWhenTheDeadlinePasses() {
            place("o-4");
            place("o-5");
            placedTopic.pipeInput("o-late", placed("o-late").setPlacedAt(PLACED_AT.plus(Duration.ofHours(1))).build());

            at(PLACED_AT.plus(WINDOW).minusMillis(1));
            assertThat(windowTopic.isEmpty()).isTrue();

            at(PLACED_AT.plus(WINDOW).plusMillis(500));
            at(PLACED_AT.plus(WINDOW).plusSeconds(30));

            var expiry = PLACED_AT.plus(WINDOW);
            assertThat(windowTopic.readKeyValuesToList()).extracting(kv -> kv.value).containsExactly(
                    closed("o-4", WindowClosedCause.EXPIRED, expiry),
                    closed("o-5", WindowClosedCause.EXPIRED, expiry));
            assertThat(order("o-4").windowOpen()).isFalse();
            assertThat(order("o-late").windowOpen()).isTrue();
        }

        @Test
        void aSellerMayCancelAfterTheBuyersWindowAsLongAsItHasNotShipped() {
            place("o-6");
            var command = sellerCancels("o-6", PLACED_AT.plus(Duration.ofHours(20))).build();

            commandTopic.pipeInput("o-6", command);

            assertThat(cancelledTopic.readValuesToList()).containsExactly(expectedCancellation(command, PLACED_AT));
        }
    }

    @Nested
    class Shipping {

        @Test
        void shippingClosesTheWindowAndTheRefusalNamesTheTrackingNumber() {
            place("o-10");
            shippedTopic.pipeInput("o-10", shipped("o-10", PLACED_AT.plusSeconds(600)).build());

            commandTopic.pipeInput("o-10", buyerCancels("o-10", PLACED_AT.plusSeconds(700)).build());

            assertThat(windowTopic.readValuesToList()).containsExactly(
                    closed("o-10", WindowClosedCause.SHIPPED, PLACED_AT.plusSeconds(600)));
            var refusal = rejectedTopic.readValue();
            assertThat(refusal.getCode()).isEqualTo(RejectionCode.ALREADY_SHIPPED);
            assertThat(refusal.getTrackingNumber()).isEqualTo("1Z999AA10123456784");
            assertThat(refusal.getDetail()).contains("1Z999AA10123456784");
        }

        @Test
        void theNoteOfADirectCancellationTravelsWithTheEventAndIsOnTheTimeline() {
            place("o-14");
            var command = sellerCancels("o-14", PLACED_AT.plusSeconds(700)).setReason(CancelReason.ITEM_DAMAGED)
                    .setNote(" Sorry, the zip broke while packing. ").build();

            commandTopic.pipeInput("o-14", command);

            assertThat(cancelledTopic.readValue().getNote()).isEqualTo("Sorry, the zip broke while packing.");
            assertThat(order("o-14").timeline()).anySatisfy(step ->
                    assertThat(step.detail()).isEqualTo("SELLER ITEM_DAMAGED: \"Sorry, the zip broke while packing.\""));
            assertThat(order("o-14").cancellation().note()).contains("zip broke");
        }

        @Test
        void aSellerCancelIsRefusedOnceTheOrderShipped() {
            place("o-11");
            shippedTopic.pipeInput("o-11", shipped("o-11", PLACED_AT.plusSeconds(600)).build());

            commandTopic.pipeInput("o-11", sellerCancels("o-11", PLACED_AT.plusSeconds(700)).build());

            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.ALREADY_SHIPPED);
            assertThat(cancelledTopic.isEmpty()).isTrue();
        }

        /** Issue 16, point 7: a shipment whose order never arrives is forgotten after early-shipment-retention. */
        @Test
        void aShipmentWhoseOrderNeverArrivesIsForgottenAfterItsRetention() {
            shippedTopic.pipeInput("o-never", shipped("o-never", PLACED_AT.plusSeconds(600)).build());
            assertThat(harness.<Shipment>store(OrdersTopology.EARLY_SHIPMENTS_STORE).get("o-never")).isNotNull();

            at(PLACED_AT.plus(EARLY_SHIPMENT_RETENTION).minusSeconds(60));
            assertThat(harness.<Shipment>store(OrdersTopology.EARLY_SHIPMENTS_STORE).get("o-never")).as("still waiting").isNotNull();
            at(PLACED_AT.plus(EARLY_SHIPMENT_RETENTION).plusSeconds(5));
            assertThat(harness.<Shipment>store(OrdersTopology.EARLY_SHIPMENTS_STORE).get("o-never")).isNull();
            assertThat(harness.<String>store(OrdersTopology.EARLY_SHIPMENT_EXPIRY_STORE).approximateNumEntries()).isZero();
            assertThat(harness.count("early_shipments_expired_total")).isEqualTo(1);
        }

        @Test
        void aShipmentThatOvertakesItsPlacementWaitsForItAndApplies() {
            // The carrier's upstream is faster than checkout's: the shipped event comes first.
            shippedTopic.pipeInput("o-13", shipped("o-13", PLACED_AT.plusSeconds(600)).build());
            assertThat(deadLetterTopic.isEmpty()).as("no dead letter for a shipment that is early").isTrue();
            assertThat(windowTopic.isEmpty()).isTrue();

            place("o-13");

            assertThat(windowTopic.readValuesToList()).containsExactly(
                    closed("o-13", WindowClosedCause.SHIPPED, PLACED_AT.plusSeconds(600)));
            commandTopic.pipeInput("o-13", buyerCancels("o-13", PLACED_AT.plusSeconds(700)).build());
            assertThat(rejectedTopic.readValue().getCode()).isEqualTo(RejectionCode.ALREADY_SHIPPED);
            assertThat(cancelledTopic.isEmpty()).isTrue();
            // Applied once: the placement redelivered changes nothing.
            place("o-13");
            assertThat(windowTopic.isEmpty()).isTrue();
        }

        @Test
        void aShippedOrderIsNotExpiredLater() {
            place("o-12");
            shippedTopic.pipeInput("o-12", shipped("o-12", PLACED_AT.plusSeconds(60)).build());
            windowTopic.readValuesToList();

            at(PLACED_AT.plus(WINDOW).plusSeconds(5));

            assertThat(windowTopic.isEmpty()).isTrue();
        }
    }

    @Nested
    class Answers {

        private Attempt attempt(String orderId, String commandId) {
            KeyValueStore<String, Attempt> store = harness.store(OrdersTopology.ATTEMPTS_STORE);
            return store.get(OrdersTopology.attemptKey(orderId, commandId));
        }

        @Test
        void anAnswerLastsItsRetentionHoweverManyCancellationsTheOrderGetsInBetweenThenIsForgotten() {
            // Given a refused cancellation, then fifty more on the same order
            place("o-40");
            var late = PLACED_AT.plus(WINDOW).plusSeconds(60);
            var first = buyerCancels("o-40", late).build();
            commandTopic.pipeInput("o-40", first);
            for (int i = 1; i <= 50; i++) {
                commandTopic.pipeInput("o-40", buyerCancels("o-40", late.plusSeconds(i)).build());
            }
            assertThat(rejectedTopic.readValuesToList()).hasSize(51);
            var answer = attempt("o-40", first.getCommandId());
            assertThat(answer.code()).isEqualTo(market.resale.orders.domain.RejectionCode.WINDOW_EXPIRED);
            assertThat(answer.source()).as("where it was decided: the first command record")
                    .isEqualTo(new SourceOffset(Topics.CANCEL_COMMANDS.name(), 0, 0));

            // When the first one is redelivered a day before its answer expires, it is not decided again
            at(PLACED_AT.plus(ANSWER_RETENTION).minus(Duration.ofDays(1)));
            commandTopic.pipeInput("o-40", first);
            assertThat(rejectedTopic.readValuesToList()).isEmpty();
            assertThat(attempt("o-40", first.getCommandId())).isEqualTo(answer);

            // Then, past its retention, the answer is forgotten
            at(PLACED_AT.plus(ANSWER_RETENTION).plus(Duration.ofHours(4)));
            assertThat(attempt("o-40", first.getCommandId())).isNull();
        }
    }

    @Nested
    class Race {

        @Test
        void cancelFirstThenScanTheCancellationWinsAndTheScanIsRecorded() {
            place("o-20");
            var command = buyerCancels("o-20", PLACED_AT.plusSeconds(100)).build();

            commandTopic.pipeInput("o-20", command);
            shippedTopic.pipeInput("o-20", shipped("o-20", PLACED_AT.plusSeconds(101)).build());

            assertThat(cancelledTopic.readValuesToList()).containsExactly(expectedCancellation(command, PLACED_AT));
            assertThat(rejectedTopic.isEmpty()).isTrue();
            assertThat(windowTopic.isEmpty()).isTrue();
            var order = order("o-20");
            assertThat(order.status()).isEqualTo(OrderStatus.CANCELLED);
            assertThat(order.timeline()).extracting(e -> e.event()).endsWith("SCAN_AFTER_CANCELLATION");
        }

        @Test
        void scanFirstThenCancelTheShipmentWinsAndTheCallerIsToldWhy() {
            place("o-21");

            shippedTopic.pipeInput("o-21", shipped("o-21", PLACED_AT.plusSeconds(100)).build());
            commandTopic.pipeInput("o-21", buyerCancels("o-21", PLACED_AT.plusSeconds(99)).build());

            assertThat(cancelledTopic.isEmpty()).isTrue();
            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.ALREADY_SHIPPED);
            assertThat(order("o-21").status()).isEqualTo(OrderStatus.SHIPPED);
        }
    }

    @Nested
    class LookThenConfirm {

        @Test
        void aConfirmationOfTheVersionShownIsApplied() {
            place("o-30");
            var command = buyerCancels("o-30", PLACED_AT.plusSeconds(100)).setExpectedVersion(order("o-30").version()).build();

            commandTopic.pipeInput("o-30", command);

            assertThat(cancelledTopic.readValuesToList()).containsExactly(expectedCancellation(command, PLACED_AT));
        }

        @Test
        void aConfirmationOfAnOrderThatShippedSinceItWasShownIsRefusedNamingTheParcel() {
            place("o-31");
            var shown = order("o-31").version();
            shippedTopic.pipeInput("o-31", shipped("o-31", PLACED_AT.plusSeconds(50)).build());

            commandTopic.pipeInput("o-31", buyerCancels("o-31", PLACED_AT.plusSeconds(100)).setExpectedVersion(shown).build());

            var refusal = rejectedTopic.readValue();
            assertThat(refusal.getCode()).isEqualTo(RejectionCode.ALREADY_SHIPPED);
            assertThat(refusal.getTrackingNumber()).isEqualTo("1Z999AA10123456784");
            assertThat(order("o-31").status()).isEqualTo(OrderStatus.SHIPPED);
        }

        @Test
        void aRedeliveredCommandIsDecidedOnce() {
            place("o-32");
            var command = buyerCancels("o-32", PLACED_AT.plusSeconds(100)).build();

            commandTopic.pipeInput("o-32", command);
            commandTopic.pipeInput("o-32", command);

            assertThat(cancelledTopic.readValuesToList()).hasSize(1);
            assertThat(rejectedTopic.isEmpty()).isTrue();
        }

        @Test
        void aSecondCancellationOfACancelledOrderIsRefused() {
            place("o-33");
            commandTopic.pipeInput("o-33", buyerCancels("o-33", PLACED_AT.plusSeconds(100)).build());

            commandTopic.pipeInput("o-33", sellerCancels("o-33", PLACED_AT.plusSeconds(200)).build());

            assertThat(cancelledTopic.readValuesToList()).hasSize(1);
            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.ALREADY_CANCELLED);
        }

        @Test
        void someoneElsesCancellationIsRefused() {
            place("o-34");

            commandTopic.pipeInput("o-34", buyerCancels("o-34", PLACED_AT.plusSeconds(100)).setActorId("buyer-bob").build());

            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.NOT_A_PARTY);
            assertThat(order("o-34").status()).isEqualTo(OrderStatus.PLACED);
        }
    }

    @Nested
    class SellerApproved {

        @Test
        void aRequestTheSellerApprovedAfterTheBuyersWindowCancelsTheOrderAndNamesTheRequest() {
            place("o-60");
            var command = sellerApproves("o-60", PLACED_AT.plus(Duration.ofHours(30)), "req-1").build();

            commandTopic.pipeInput("o-60", command);

            assertThat(cancelledTopic.readValuesToList()).containsExactly(expectedCancellation(command, PLACED_AT));
            assertThat(order("o-60").cancellation().reference()).isEqualTo("req-1");
        }

        @Test
        void anApprovalOfAnOrderThatShippedMeanwhileIsRefusedWithTheTrackingNumberAndTheRequest() {
            place("o-61");
            shippedTopic.pipeInput("o-61", shipped("o-61", PLACED_AT.plus(Duration.ofHours(5))).build());

            commandTopic.pipeInput("o-61", sellerApproves("o-61", PLACED_AT.plus(Duration.ofHours(6)), "req-2").build());

            assertThat(cancelledTopic.isEmpty()).isTrue();
            var rejected = rejectedTopic.readValuesToList();
            assertThat(rejected).extracting(CancellationRejected::getCode, CancellationRejected::getTrackingNumber,
                    CancellationRejected::getReference).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(RejectionCode.ALREADY_SHIPPED, "1Z999AA10123456784", "req-2"));
        }

        @Test
        void anApprovalWithoutTheRequestItAnswersOrByAnotherSellerIsRefused() {
            place("o-62");

            commandTopic.pipeInput("o-62", sellerApproves("o-62", PLACED_AT.plus(Duration.ofHours(4)), "req-3")
                    .setReference(null).setCommandId("c-62a").build());
            commandTopic.pipeInput("o-62", sellerApproves("o-62", PLACED_AT.plus(Duration.ofHours(4)), "req-3")
                    .setActorId("seller-other").setCommandId("c-62b").build());

            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.REQUEST_REQUIRED, RejectionCode.NOT_A_PARTY);
            assertThat(order("o-62").status()).isEqualTo(OrderStatus.PLACED);
        }
    }

    @Nested
    class Support {

        @Test
        void anAgentMayCancelAShippedOrderAsTheOutcomeOfACaseWithTheFullRefund() {
            place("o-70");
            shippedTopic.pipeInput("o-70", shipped("o-70", PLACED_AT.plus(Duration.ofHours(1))).build());
            var command = supportCancels("o-70", PLACED_AT.plus(Duration.ofDays(3)), "case-9").build();

            commandTopic.pipeInput("o-70", command);
            commandTopic.pipeInput("o-70", command); // redelivered

            // The parcel was on its way: the event names it, so both parties can be told it comes back.
            assertThat(cancelledTopic.readValuesToList()).containsExactly(OrderCancelled.newBuilder(expectedCancellation(command, PLACED_AT))
                    .setTrackingNumber("1Z999AA10123456784").setCarrier("UPS").build());
            assertThat(order("o-70").status()).isEqualTo(OrderStatus.CANCELLED);
        }

        @Test
        void aSupportCancellationWithoutACaseIsRefusedAndACancelledOrderIsNotCancelledTwice() {
            place("o-71");
            commandTopic.pipeInput("o-71", supportCancels("o-71", PLACED_AT.plusSeconds(10), "case-1").setReference(null)
                    .setCommandId("c-71a").build());
            commandTopic.pipeInput("o-71", buyerCancels("o-71", PLACED_AT.plusSeconds(20)).build());
            commandTopic.pipeInput("o-71", supportCancels("o-71", PLACED_AT.plusSeconds(30), "case-1").build());

            assertThat(rejectedTopic.readValuesToList()).extracting(CancellationRejected::getCode)
                    .containsExactly(RejectionCode.CASE_REQUIRED, RejectionCode.ALREADY_CANCELLED);
            assertThat(cancelledTopic.readValuesToList()).extracting(OrderCancelled::getActor)
                    .containsExactly(market.resale.schemas.orders.Actor.BUYER);
        }
    }

    @Nested
    class Reminder {

        @Test
        void theBuyerIsRemindedOnceBeforeTheWindowClosesAndNotForAnOrderAlreadyCancelledOrShipped() {
            place("o-80");
            place("o-81");
            place("o-82");
            commandTopic.pipeInput("o-81", buyerCancels("o-81", PLACED_AT.plusSeconds(60)).build());
            shippedTopic.pipeInput("o-82", shipped("o-82", PLACED_AT.plusSeconds(90)).build());
            var closing = harness.output(Topics.WINDOW_CLOSING);

            at(PLACED_AT.plus(WINDOW).minus(REMINDER).minusMillis(1));
            assertThat(closing.isEmpty()).isTrue();
            var remindedAt = PLACED_AT.plus(WINDOW).minus(REMINDER).plusMillis(200);
            at(remindedAt);
            at(remindedAt.plusSeconds(5));

            assertThat(closing.readValuesToList()).containsExactly(CancellationWindowClosing.newBuilder()
                    .setOrderId("o-80").setBuyerId("buyer-ann").setClosesAt(PLACED_AT.plus(WINDOW))
                    .setRemindedAt(remindedAt).build());
            at(PLACED_AT.plus(WINDOW).plusSeconds(1));
            assertThat(windowTopic.readValuesToList()).extracting(CancellationWindowClosed::getOrderId, CancellationWindowClosed::getCause)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-82", WindowClosedCause.SHIPPED),
                            org.assertj.core.groups.Tuple.tuple("o-80", WindowClosedCause.EXPIRED));
        }
    }

    @Nested
    class ShipBy { // rule 13

        @Test
        void theSellerIsRemindedADayBeforeThenTheBuyerMayCancelWithoutTheSellerAndOnlyForAnUnshippedOrder() {
            place("o-85");
            place("o-86");
            place("o-87");
            shippedTopic.pipeInput("o-86", shipped("o-86", PLACED_AT.plus(Duration.ofDays(2))).build());
            commandTopic.pipeInput("o-87", sellerCancels("o-87", PLACED_AT.plus(Duration.ofDays(3))).build());
            var due = harness.output(Topics.SHIP_BY);
            var shipBy = PLACED_AT.plus(SHIP_BY);

            at(shipBy.minus(SHIP_BY_REMINDER).minusMillis(1));
            assertThat(due.isEmpty()).isTrue();
            at(shipBy.minus(SHIP_BY_REMINDER).plusMillis(200));
            commandTopic.pipeInput("o-85", buyerCancels("o-85", shipBy.minusSeconds(1)).setReason(CancelReason.SELLER_DID_NOT_SHIP).build());
            assertThat(rejectedTopic.readValue().getCode()).isEqualTo(RejectionCode.SHIP_BY_NOT_PASSED);
            at(shipBy.plusMillis(200));
            at(shipBy.plusSeconds(10));

            assertThat(due.readValuesToList()).extracting(ShipByDue::getOrderId, ShipByDue::getStage, ShipByDue::getShipBy,
                            ShipByDue::getSellerId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-85", ShipByStage.REMINDER, shipBy, "seller-sam"),
                            org.assertj.core.groups.Tuple.tuple("o-85", ShipByStage.PASSED, shipBy, "seller-sam"));
            assertThat(order("o-85").timeline()).extracting(TimelineEntry::event).containsOnlyOnce(TimelineEntry.SHIP_BY_MISSED);
            assertThat(harness.count("ship_by_missed_total")).isEqualTo(1);

            var late = buyerCancels("o-85", shipBy.plusSeconds(30)).setReason(CancelReason.SELLER_DID_NOT_SHIP).build();
            commandTopic.pipeInput("o-85", late);
            assertThat(cancelledTopic.readValuesToList()).extracting(OrderCancelled::getOrderId, OrderCancelled::getReason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("o-87", CancelReason.ITEM_UNAVAILABLE),
                            org.assertj.core.groups.Tuple.tuple("o-85", CancelReason.SELLER_DID_NOT_SHIP));
        }
    }

    @Nested
    class Reputation_ {

        private void comment(String orderId, String commandId, String sellerId, String text) {
            harness.input(Topics.BUYER_COMMENT_COMMANDS).pipeInput(orderId, BuyerCommentCommand.newBuilder()
                    .setCommandId(commandId).setOrderId(orderId).setSellerId(sellerId).setText(text)
                    .setRequestedAt(PLACED_AT.plus(Duration.ofDays(1))).build());
        }

        private PartyOrder line(String role, String partyId, String orderId) {
            KeyValueStore<String, PartyOrder> store = harness.store(OrdersTopology.PARTY_ORDERS_STORE);
            try (var it = store.prefixScan(PartyOrder.prefix(role, partyId), org.apache.kafka.common.serialization.Serdes.String().serializer())) {
                while (it.hasNext()) {
                    var line = it.next().value;
                    if (line.orderId().equals(orderId)) {
                        return line;
                    }
                }
            }
            return null;
        }

        @Test
        void theSellerCommentsOncePerCancelledOrderAndTheCommentReachesTheBuyersRecord() {
            place("o-90");
            place("o-91");
            commandTopic.pipeInput("o-90", buyerCancels("o-90", PLACED_AT.plusSeconds(60)).build());

            comment("o-91", "k-1", "seller-sam", "not cancelled: refused");
            comment("o-90", "k-2", "buyer-ann", "the buyer cannot comment on themself");
            comment("o-90", "k-3", "seller-sam", "Cancelled an hour after buying.");
            comment("o-90", "k-4", "seller-sam", "a second comment is refused");

            assertThat(order("o-91").sellerComment()).isNull();
            assertThat(order("o-90").sellerComment()).usingRecursiveComparison().ignoringFields("source").isEqualTo(
                    new SellerComment("k-3", "seller-sam", "Cancelled an hour after buying.",
                            PLACED_AT.plus(Duration.ofDays(1)).toEpochMilli(), null));
            var buyerLine = line(PartyOrder.BUYER, "buyer-ann", "o-90");
            assertThat(buyerLine.comment().text()).isEqualTo("Cancelled an hour after buying.");
            assertThat(buyerLine.cancelledBy()).isEqualTo(market.resale.orders.domain.Actor.BUYER);
            assertThat(buyerLine.counterpartyId()).isEqualTo("seller-sam");
            assertThat(harness.count("buyer_comments_total")).isEqualTo(1);
        }

        @Test
        void theSellersLineKnowsWhenTheOrderFirstShipped() {
            place("o-92");
            shippedTopic.pipeInput("o-92", shipped("o-92", PLACED_AT.plus(Duration.ofHours(5))).build());

            assertThat(line(PartyOrder.SELLER, "seller-sam", "o-92").shippedAt())
                    .isEqualTo(PLACED_AT.plus(Duration.ofHours(5)).toEpochMilli());
        }
    }

    @Nested
    class Timeline {

        @Test
        void theCreditIssuedAndTheCaseOpenedAndResolvedAreOnTheOrdersTimelineOnceEach() {
            place("o-95");
            commandTopic.pipeInput("o-95", buyerCancels("o-95", PLACED_AT.plusSeconds(60)).build());
            var credit = CreditIssued.newBuilder().setEntryId("e-1").setUserId("buyer-ann").setOrderId("o-95")
                    .setCancelCommandId("cmd").setAmountCents(REFUND_CENTS).setCurrency("USD").setBalanceAfterCents(REFUND_CENTS)
                    .setIssuedAt(PLACED_AT.plusSeconds(61)).build();
            harness.input(Topics.CREDIT_ISSUED).pipeInput("buyer-ann", credit);
            harness.input(Topics.CREDIT_ISSUED).pipeInput("buyer-ann", credit); // redelivered
            var opened = CaseEvent.newBuilder().setEventId("ev-1").setCaseId("case-1").setOrderId("o-95")
                    .setType(CaseType.DISPUTE).setStatus(CaseStatus.OPEN).setBuyerId("buyer-ann").setSellerId("seller-sam")
                    .setAction(CaseAction.OPENED).setActorId("system").setActorRole(ParticipantRole.SYSTEM)
                    .setSummary("scan after cancellation").setAt(PLACED_AT.plusSeconds(100)).build();
            harness.input(Topics.CASE_EVENTS).pipeInput("o-95", opened);
            harness.input(Topics.CASE_EVENTS).pipeInput("o-95", CaseEvent.newBuilder(opened).setEventId("ev-2")
                    .setAction(CaseAction.RESOLVED).setStatus(CaseStatus.RESOLVED).setAt(PLACED_AT.plusSeconds(200)).build());

            assertThat(order("o-95").timeline()).extracting(TimelineEntry::event).containsExactly(
                    TimelineEntry.PLACED, TimelineEntry.CANCEL_REQUESTED, TimelineEntry.CANCELLED,
                    TimelineEntry.CREDIT_ISSUED, TimelineEntry.CASE_OPENED, TimelineEntry.CASE_RESOLVED);
            assertThat(order("o-95").timeline().get(3).detail()).isEqualTo(REFUND_CENTS + " USD store credit");
        }
    }

    @Nested
    class NothingToRefund {

        @Test
        void aRefundOfNothingIsOnTheTimelineAsNothingToRefund() {
            place("o-96");
            commandTopic.pipeInput("o-96", buyerCancels("o-96", PLACED_AT.plusSeconds(60)).build());
            harness.input(Topics.CREDIT_ISSUED).pipeInput("buyer-ann", CreditIssued.newBuilder().setEntryId("credit-o-96")
                    .setUserId("buyer-ann").setOrderId("o-96").setCancelCommandId("cmd").setAmountCents(0).setCurrency("USD")
                    .setBalanceAfterCents(0).setIssuedAt(PLACED_AT.plusSeconds(61)).build());

            assertThat(order("o-96").timeline()).last().extracting(TimelineEntry::event, TimelineEntry::detail)
                    .containsExactly(TimelineEntry.CREDIT_ISSUED, "nothing to refund");
        }
    }

    @Nested
    class BusinessMeters {

        @Test
        void decisionsAndWindowClosuresAreCountedByActorReasonOutcomeAndCause() {
            for (var orderId : List.of("o-50", "o-51", "o-52", "o-53")) {
                place(orderId);
            }

            commandTopic.pipeInput("o-50", buyerCancels("o-50", PLACED_AT.plusSeconds(60)).build());
            commandTopic.pipeInput("o-51", buyerCancels("o-51", PLACED_AT.plus(WINDOW)).build());
            shippedTopic.pipeInput("o-52", shipped("o-52", PLACED_AT.plusSeconds(120)).build());
            at(PLACED_AT.plus(WINDOW).plusSeconds(1));
            harness.rawInput(Topics.ORDER_PLACED).pipeInput("poison", new byte[] {1, 2, 3});

            assertThat(harness.count("cancellations_total", "actor", "BUYER", "reason", "CHANGED_MIND", "outcome", "CANCELLED"))
                    .isEqualTo(1);
            assertThat(harness.count("cancellations_total", "actor", "BUYER", "reason", "CHANGED_MIND", "outcome", "WINDOW_EXPIRED"))
                    .isEqualTo(1);
            assertThat(harness.count("window_closures_total", "cause", "SHIPPED")).isEqualTo(1);
            assertThat(harness.count("window_closures_total", "cause", "EXPIRED")).isEqualTo(2); // o-51 and o-53
            assertThat(harness.count("dead_lettered_records_total", "topic", "checkout.order-placed", "reason", "not-deserializable"))
                    .isEqualTo(1);
        }
    }

    @Nested
    class Ratings { // rule 15

        private TestInputTopic<String, market.resale.schemas.reviews.OrderRated> ratings() {
            return harness.input(Topics.ORDER_RATED);
        }

        private market.resale.schemas.reviews.OrderRated.Builder rating(String orderId, String ratingId, int stars, Instant at) {
            return RecordMother.orderRated().setOrderId(orderId).setRatingId(ratingId).setBuyerId("buyer-ann")
                    .setSellerId("seller-sam").setStars(stars).setRatedAt(at);
        }

        @Test
        void aShippedOrdersRatingIsKeptOnceTheLatestStandsAndItReachesTheSellersSales() {
            place("o-60");
            shippedTopic.pipeInput("o-60", shipped("o-60", PLACED_AT.plus(Duration.ofHours(5))).build());
            var first = rating("o-60", "r-1", 3, PLACED_AT.plus(Duration.ofDays(4))).build();

            ratings().pipeInput("o-60", first);
            ratings().pipeInput("o-60", first); // redelivered
            ratings().pipeInput("o-60", rating("o-60", "r-2", 5, PLACED_AT.plus(Duration.ofDays(5))).build()); // changed
            ratings().pipeInput("o-60", rating("o-60", "r-0", 1, PLACED_AT.plus(Duration.ofDays(1))).build()); // older

            assertThat(order("o-60").rating().stars()).isEqualTo(5);
            assertThat(order("o-60").timeline()).extracting(TimelineEntry::event).filteredOn(TimelineEntry.RATED::equals).hasSize(2);
            assertThat(harness.count("ratings_total", "stars", "3")).isEqualTo(1);
            assertThat(harness.count("ratings_total", "stars", "5")).isEqualTo(1);
            KeyValueStore<String, PartyOrder> parties = harness.store(OrdersTopology.PARTY_ORDERS_STORE);
            try (var it = parties.prefixScan(PartyOrder.prefix(PartyOrder.SELLER, "seller-sam"),
                    org.apache.kafka.common.serialization.Serdes.String().serializer())) {
                assertThat(it.next().value.stars()).isEqualTo(5);
            }
            assertThat(deadLetterTopic.isEmpty()).isTrue();
        }

        @Test
        void aRatingTheOrderCannotTakeIsDeadLetteredAsItArrivedAndTheNextIsProcessed() {
            place("o-61");
            place("o-62");
            shippedTopic.pipeInput("o-62", shipped("o-62", PLACED_AT.plus(Duration.ofHours(5))).build());
            var at = PLACED_AT.plus(Duration.ofDays(4));

            ratings().pipeInput("o-62", rating("o-62", "r-1", 6, at).build());
            ratings().pipeInput("o-62", rating("o-62", "r-2", 0, at).build());
            ratings().pipeInput("o-61", rating("o-61", "r-3", 4, at).build()); // not shipped
            ratings().pipeInput("o-missing", rating("o-missing", "r-4", 4, at).build());
            ratings().pipeInput("o-62", rating("o-62", "r-5", 4, at).setBuyerId("buyer-bob").build());
            ratings().pipeInput("o-61", rating("o-62", "r-6", 4, at).build()); // key is another order
            ratings().pipeInput("o-62", rating("o-62", "r-7", 4, at).build());

            var dead = deadLetterTopic.readRecordsToList();
            assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).containsExactly(
                    "invalid", "invalid", "invalid", "unknown-order", "invalid", "invalid");
            assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.DETAIL)).satisfiesExactly(
                    d -> assertThat(d).contains("stars must be 1 to 5"), d -> assertThat(d).contains("stars must be 1 to 5"),
                    d -> assertThat(d).contains("only a shipped order is rated"), d -> assertThat(d).contains("no order"),
                    d -> assertThat(d).contains("differ"), d -> assertThat(d).contains("differs from orderId"));
            assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("reviews.order-rated");
            assertThat(order("o-62").rating().ratingId()).isEqualTo("r-7");
        }
    }

    @Nested
    class DeadLetters_ {

        @Test
        void poisonRecordsOnEveryConsumedTopicAreDeadLetteredAndTheNextRecordIsProcessed() {
            var raw = harness.rawInput(Topics.ORDER_PLACED);
            for (var topic : List.of(Topics.ORDER_PLACED, Topics.ORDER_SHIPPED, Topics.CANCEL_COMMANDS)) {
                harness.rawInput(topic)
                        .pipeInput("poison", "not avro".getBytes(StandardCharsets.UTF_8));
            }
            raw.pipeInput("unknown-id", new byte[] {0, 0, 0, 0x7f, 0x12}); // wire format, unknown schema id
            commandTopic.pipeInput("o-missing", buyerCancels("o-missing", PLACED_AT).build());
            placedTopic.pipeInput("o-bad", placed("o-bad").setPriceCents(-1).build());

            place("o-40");
            commandTopic.pipeInput("o-40", buyerCancels("o-40", PLACED_AT.plusSeconds(5)).build());

            var dead = deadLetterTopic.readRecordsToList();
            assertThat(dead).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON)).containsExactly(
                    "not-deserializable", "not-deserializable", "not-deserializable", "not-deserializable",
                    "unknown-order", "invalid");
            assertThat(dead.get(0).value()).isEqualTo("not avro".getBytes(StandardCharsets.UTF_8));
            assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("checkout.order-placed");
            assertThat(DeadLetters.header(dead.get(5).headers(), DeadLetters.DETAIL)).contains("negative amount");
            assertThat(cancelledTopic.readValuesToList()).extracting(OrderCancelled::getOrderId).containsExactly("o-40");
        }
    }

    /**
     * Issue 16, point 5: a placement redelivered as it was changes nothing, silently; another placement under the same
     * order id (another buyer, seller or amount) is dead-lettered as a conflicting duplicate, logged and counted, and the
     * first placement stands.
     */
    @Test
    void aConflictingDuplicatePlacementIsDeadLetteredAndTheFirstStands() {
        place("o-dup");
        place("o-dup");
        assertThat(deadLetterTopic.isEmpty()).as("an identical redelivery is no news").isTrue();

        placedTopic.pipeInput("o-dup", placed("o-dup").setBuyerId("buyer-eve").build());
        placedTopic.pipeInput("o-dup", placed("o-dup").setPriceCents(1).build());

        var dead = deadLetterTopic.readRecordsToList();
        assertThat(dead).hasSize(2).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("o-dup");
            assertThat(DeadLetters.header(r.headers(), DeadLetters.REASON)).isEqualTo(DeadLetters.CONFLICTING_DUPLICATE);
        });
        assertThat(harness.count("dead_lettered_records_total", "topic", "checkout.order-placed", "reason", "conflicting-duplicate"))
                .isEqualTo(2);
        var order = harness.<Order>store(OrdersTopology.ORDERS_STORE).get("o-dup");
        assertThat(order.buyerId()).isEqualTo(placed("o-dup").build().getBuyerId());
        assertThat(order.amounts().priceCents()).isEqualTo(placed("o-dup").build().getPriceCents());
    }

    /**
     * Issue 16, point 0: the upstream owns checkout.order-placed-value and registers its own schema (another namespace, an
     * extra field) with its own serializer first. An invalid placement in it is dead-lettered byte for byte with its
     * headers, nothing is registered under the contract subject by the service, and a valid one in it is read.
     */
    @Test
    void anInvalidPlacementInTheUpstreamsOwnSchemaIsDeadLetteredAsItArrivedWithoutTouchingTheRegistry() {
        var serializer = new market.resale.schemas.serde.AvroSerializer<org.apache.avro.generic.GenericRecord>(harness.registry(), false);
        java.util.function.BiFunction<String, Long, byte[]> upstreamWrites = (orderId, price) -> serializer.serialize(
                Topics.ORDER_PLACED.name(), market.resale.schemas.UpstreamSchemas.orderPlaced(market.resale.schemas.UpstreamSchemas.ORDER_PLACED,
                        orderId, "buyer-ann", "seller-bob", price, "USD", PLACED_AT));
        var invalid = upstreamWrites.apply("o-negative", -100L);
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders()
                .add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8))
                .add("x-upstream", "checkout".getBytes(StandardCharsets.UTF_8));
        harness.rawInput(Topics.ORDER_PLACED).pipeInput(new org.apache.kafka.streams.test.TestRecord<>("o-negative", invalid, headers,
                PLACED_AT));
        harness.rawInput(Topics.ORDER_PLACED).pipeInput("o-good", upstreamWrites.apply("o-good", 2_000L), PLACED_AT);

        var dead = deadLetterTopic.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.getFirst().key()).isEqualTo("o-negative");
        assertThat(dead.getFirst().value()).isEqualTo(invalid);
        assertThat(DeadLetters.header(dead.getFirst().headers(), "x-upstream")).isEqualTo("checkout");
        assertThat(DeadLetters.header(dead.getFirst().headers(), "traceparent")).startsWith("00-0af7651916cd43dd");
        assertThat(DeadLetters.header(dead.getFirst().headers(), DeadLetters.REASON)).isEqualTo(DeadLetters.INVALID);
        assertThat(DeadLetters.header(dead.getFirst().headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.ORDER_PLACED.name());
        assertThat(DeadLetters.header(dead.getFirst().headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(harness.<Order>store(OrdersTopology.ORDERS_STORE).get("o-good")).isNotNull();
        // The service wrote nothing under the contract's subject: its own OrderPlaced schema is not registered there.
        assertThatThrownBy(() -> harness.registry().lookup(Topics.ORDER_PLACED.name() + "-value", OrderPlaced.getClassSchema()))
                .isInstanceOf(market.resale.schemas.registry.SchemaRegistryException.class);
    }

    private static CancellationWindowClosed closed(String orderId, WindowClosedCause cause, Instant at) {
        return CancellationWindowClosed.newBuilder().setOrderId(orderId).setBuyerId("buyer-ann").setCause(cause)
                .setClosedAt(at).build();
    }

    /** The service README shows the topology this code builds, every output a named sink (Topology.describe()). */
    @org.junit.jupiter.api.Test
    void theReadmeShowsThisTopology() throws Exception {
        harness.assertReadmeShowsTopology(java.nio.file.Path.of("README.md"));
    }
}
