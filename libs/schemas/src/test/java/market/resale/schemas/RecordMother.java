package market.resale.schemas;

import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.credits.CreditRedeemed;
import market.resale.schemas.credits.RedeemCredit;
import market.resale.schemas.credits.RedemptionRejected;
import market.resale.schemas.credits.RedemptionRejectionCode;
import market.resale.schemas.messaging.ConversationAction;
import market.resale.schemas.messaging.ConversationCommand;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.InboxAction;
import market.resale.schemas.messaging.InboxCommand;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.MessageRef;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.NotificationKind;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.BuyerCommentCommand;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.CancellationWindowClosing;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.Refund;
import market.resale.schemas.orders.RejectionCode;
import market.resale.schemas.orders.WindowClosedCause;
import market.resale.schemas.shipping.LabelVoided;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.support.CaseAction;
import market.resale.schemas.support.CaseEvent;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.support.CaseType;
import org.apache.avro.specific.SpecificRecord;

/**
 * One consistent story as test data, shared by every module's tests (through the schemas test jar):
 * a jacket bought by buyer-ann from seller-sam for 4500 + 797 shipping + 360 tax, 500 of it paid
 * with credit, cancelled by the buyer within the window. Each method returns a filled builder; a
 * test changes only what it is about.
 */
public final class RecordMother {

    public static final String ORDER_ID = "order-1";
    public static final String BUYER_ID = "buyer-ann";
    public static final String SELLER_ID = "seller-sam";
    public static final String TRACKING_NUMBER = "1Z999AA10123456784";
    /** timestamp-millis keeps milliseconds only, so test instants have none finer. */
    public static final Instant PLACED_AT = Instant.parse("2026-11-20T10:00:00Z");
    public static final Instant CANCELLED_AT = PLACED_AT.plusSeconds(3600);

    private RecordMother() {
    }

    /** What the buyer paid in total: price + shipping + tax + credits applied, the refund of a cancellation. */
    public static final long TOTAL_CENTS = 4_500 + 797 + 360 + 500;

    public static OrderPlaced.Builder orderPlaced() {
        return orderPlaced(ORDER_ID);
    }

    public static OrderPlaced.Builder orderPlaced(String orderId) {
        return OrderPlaced.newBuilder()
                .setOrderId(orderId).setBuyerId(BUYER_ID).setSellerId(SELLER_ID).setListingId("listing-" + orderId)
                .setTitle("Vintage denim jacket").setSize("M").setCondition(ItemCondition.EXCELLENT)
                .setPriceCents(4_500).setShippingCents(797).setTaxCents(360).setCreditsAppliedCents(500)
                .setCurrency("USD").setPlacedAt(PLACED_AT);
    }

    public static CarrierScan.Builder carrierScan() {
        return CarrierScan.newBuilder()
                .setScanId("scan-1").setOrderId(ORDER_ID).setTrackingNumber(TRACKING_NUMBER).setCarrier("USPS")
                .setScanType(ScanType.ACCEPTED).setScannedAt(PLACED_AT.plusSeconds(7200));
    }

    public static CancelOrderCommand.Builder cancelOrderCommand() {
        return CancelOrderCommand.newBuilder()
                .setCommandId("command-1").setOrderId(ORDER_ID).setActor(Actor.BUYER).setActorId(BUYER_ID)
                .setReason(CancelReason.ORDERED_BY_MISTAKE).setNote("wrong size").setExpectedVersion(1L)
                .setRequestedAt(CANCELLED_AT);
    }

    public static Refund.Builder refund() {
        return Refund.newBuilder()
                .setItemCents(4_500).setShippingCents(797).setTaxCents(360).setCreditsAppliedCents(500)
                .setTotalCents(TOTAL_CENTS).setCurrency("USD");
    }

    public static OrderCancelled.Builder orderCancelled() {
        return orderCancelled(ORDER_ID, CANCELLED_AT).setCommandId("command-1").setReason(CancelReason.ORDERED_BY_MISTAKE);
    }

    /** The buyer's cancellation of {@link #orderPlaced(String)}, decided at {@code at}, with the full refund. */
    public static OrderCancelled.Builder orderCancelled(String orderId, Instant at) {
        return OrderCancelled.newBuilder()
                .setOrderId(orderId).setCommandId("cmd-" + orderId).setBuyerId(BUYER_ID).setSellerId(SELLER_ID)
                .setActor(Actor.BUYER).setActorId(BUYER_ID).setReason(CancelReason.CHANGED_MIND)
                .setRefund(refund().build()).setPlacedAt(PLACED_AT).setCancelledAt(at);
    }

    public static CancellationRejected.Builder cancellationRejected() {
        return CancellationRejected.newBuilder()
                .setOrderId(ORDER_ID).setCommandId("command-2").setActor(Actor.BUYER).setActorId(BUYER_ID)
                .setCode(RejectionCode.ALREADY_SHIPPED).setDetail("The order shipped with tracking number " + TRACKING_NUMBER)
                .setTrackingNumber(TRACKING_NUMBER).setRejectedAt(CANCELLED_AT);
    }

    public static CancellationWindowClosed.Builder cancellationWindowClosed() {
        return CancellationWindowClosed.newBuilder()
                .setOrderId(ORDER_ID).setBuyerId(BUYER_ID).setCause(WindowClosedCause.EXPIRED)
                .setClosedAt(PLACED_AT.plusSeconds(3 * 3600));
    }

    public static OrderShipped.Builder orderShipped() {
        return OrderShipped.newBuilder()
                .setOrderId(ORDER_ID).setTrackingNumber(TRACKING_NUMBER).setCarrier("USPS").setScanId("scan-1")
                .setScanType(ScanType.ACCEPTED).setShippedAt(PLACED_AT.plusSeconds(7200));
    }

    public static LabelVoided.Builder labelVoided() {
        return LabelVoided.newBuilder()
                .setOrderId(ORDER_ID).setTrackingNumber(TRACKING_NUMBER).setCarrier("USPS").setCancelCommandId("command-1")
                .setVoidedAt(CANCELLED_AT);
    }

    public static ScanConflict.Builder scanConflict() {
        return ScanConflict.newBuilder()
                .setOrderId(ORDER_ID).setScanId("scan-2").setTrackingNumber(TRACKING_NUMBER).setCarrier("USPS")
                .setScanType(ScanType.IN_TRANSIT).setScannedAt(CANCELLED_AT.plusSeconds(600))
                .setCancelledAt(CANCELLED_AT).setDetectedAt(CANCELLED_AT.plusSeconds(601));
    }

    public static RedeemCredit.Builder redeemCredit() {
        return RedeemCredit.newBuilder()
                .setRequestId("redeem-1").setUserId(BUYER_ID).setOrderId("order-2").setAmountCents(2_000)
                .setCurrency("USD").setRequestedAt(CANCELLED_AT.plusSeconds(86_400));
    }

    public static CreditIssued.Builder creditIssued() {
        return CreditIssued.newBuilder()
                .setEntryId("entry-1").setUserId(BUYER_ID).setOrderId(ORDER_ID).setCancelCommandId("command-1")
                .setAmountCents(TOTAL_CENTS).setCurrency("USD").setBalanceAfterCents(TOTAL_CENTS).setIssuedAt(CANCELLED_AT);
    }

    public static CreditRedeemed.Builder creditRedeemed() {
        return CreditRedeemed.newBuilder()
                .setEntryId("entry-2").setRequestId("redeem-1").setUserId(BUYER_ID).setOrderId("order-2")
                .setAmountCents(2_000).setCurrency("USD").setBalanceAfterCents(TOTAL_CENTS - 2_000)
                .setRedeemedAt(CANCELLED_AT.plusSeconds(86_400));
    }

    public static RedemptionRejected.Builder redemptionRejected() {
        return RedemptionRejected.newBuilder()
                .setRequestId("redeem-2").setUserId(BUYER_ID).setCode(RedemptionRejectionCode.INSUFFICIENT_BALANCE)
                .setBalanceCents(TOTAL_CENTS - 2_000).setRejectedAt(CANCELLED_AT.plusSeconds(90_000));
    }

    private static final Map<Class<?>, Supplier<SpecificRecord>> SAMPLES = Map.ofEntries(
            Map.entry(OrderPlaced.class, () -> orderPlaced().build()),
            Map.entry(CarrierScan.class, () -> carrierScan().build()),
            Map.entry(CancelOrderCommand.class, () -> cancelOrderCommand().build()),
            Map.entry(OrderCancelled.class, () -> orderCancelled().build()),
            Map.entry(CancellationRejected.class, () -> cancellationRejected().build()),
            Map.entry(CancellationWindowClosed.class, () -> cancellationWindowClosed().build()),
            Map.entry(OrderShipped.class, () -> orderShipped().build()),
            Map.entry(LabelVoided.class, () -> labelVoided().build()),
            Map.entry(ScanConflict.class, () -> scanConflict().build()),
            Map.entry(RedeemCredit.class, () -> redeemCredit().build()),
            Map.entry(CreditIssued.class, () -> creditIssued().build()),
            Map.entry(CreditRedeemed.class, () -> creditRedeemed().build()),
            Map.entry(RedemptionRejected.class, () -> redemptionRejected().build()),
            Map.entry(CancellationWindowClosing.class, () -> cancellationWindowClosing().build()),
            Map.entry(market.resale.schemas.orders.ShipByDue.class, () -> shipByDue().build()),
            Map.entry(market.resale.schemas.reviews.OrderRated.class, () -> orderRated().build()),
            Map.entry(BuyerCommentCommand.class, () -> buyerCommentCommand().build()),
            Map.entry(ConversationMessage.class, () -> conversationMessage().build()),
            Map.entry(SellerNonResponsive.class, () -> sellerNonResponsive().build()),
            Map.entry(Notification.class, () -> notification().build()),
            Map.entry(ConversationCommand.class, () -> ConversationCommand.newBuilder().setCommandId("command-3")
                    .setOrderId(ORDER_ID).setActorId(BUYER_ID).setAction(ConversationAction.REQUEST_CANCELLATION)
                    .setText("wrong size").setReason(CancelReason.ORDERED_BY_MISTAKE).setRequestedAt(CANCELLED_AT).build()),
            Map.entry(InboxCommand.class, () -> InboxCommand.newBuilder().setCommandId("read-1").setUserId(BUYER_ID)
                    .setAction(InboxAction.MARK_READ).setNotificationId("n-1").setRequestedAt(CANCELLED_AT).build()),
            Map.entry(CaseEvent.class, () -> caseEvent().build()),
            Map.entry(market.resale.schemas.ops.RedriveAudit.class, () -> market.resale.schemas.ops.RedriveAudit.newBuilder()
                    .setDeadLetterTopic("orders-service.dlt").setDeadLetterPartition(0).setDeadLetterOffset(41)
                    .setSourceTopic("orders.cancel-commands").setSourcePartition(3).setSourceOffset(1_207L).setKey(ORDER_ID)
                    .setDeadLetterReason("unknown-order").setOperator("ops-on-call")
                    .setNote("the order's placement arrived late").setRedrivenAt(CANCELLED_AT.plusSeconds(3_600)).build()),
            Map.entry(market.resale.schemas.support.CaseCommand.class, () -> market.resale.schemas.support.CaseCommand.newBuilder()
                    .setCommandId("case-command-1").setOrderId(ORDER_ID).setCaseId(ORDER_ID + ".DISPUTE.1")
                    .setAction(market.resale.schemas.support.CaseCommandAction.ADD_FILE).setActorId(BUYER_ID)
                    .setActorRole(ParticipantRole.BUYER).setText("screenshot of the conversation")
                    .setFile(market.resale.schemas.support.CaseFile.newBuilder().setName("chat.png").setContentType("image/png")
                            .setContent(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})).build())
                    .setRequestedAt(CANCELLED_AT.plusSeconds(700)).build()),
            Map.entry(market.resale.schemas.support.CaseSummary.class, () -> market.resale.schemas.support.CaseSummary.newBuilder()
                    .setCaseId(ORDER_ID + ".DISPUTE.1").setOrderId(ORDER_ID).setType(CaseType.DISPUTE).setStatus(CaseStatus.OPEN)
                    .setBuyerId(BUYER_ID).setSellerId(SELLER_ID).setOpenedBy("support-service")
                    .setOpenedByRole(ParticipantRole.SYSTEM).setDescription("A scan after the cancellation")
                    .setOpenedAt(CANCELLED_AT.plusSeconds(601)).setUpdatedAt(CANCELLED_AT.plusSeconds(601)).build()));

    public static market.resale.schemas.reviews.OrderRated.Builder orderRated() {
        return market.resale.schemas.reviews.OrderRated.newBuilder().setRatingId("rating-1").setOrderId(ORDER_ID)
                .setBuyerId(BUYER_ID).setSellerId(SELLER_ID).setStars(4).setComment("As described, quick to ship")
                .setRatedAt(PLACED_AT.plus(java.time.Duration.ofDays(5)));
    }

    public static market.resale.schemas.orders.ShipByDue.Builder shipByDue() {
        return market.resale.schemas.orders.ShipByDue.newBuilder().setOrderId(ORDER_ID).setBuyerId(BUYER_ID)
                .setSellerId(SELLER_ID).setStage(market.resale.schemas.orders.ShipByStage.REMINDER)
                .setShipBy(PLACED_AT.plus(java.time.Duration.ofDays(7))).setAt(PLACED_AT.plus(java.time.Duration.ofDays(6)));
    }

    public static CancellationWindowClosing.Builder cancellationWindowClosing() {
        return CancellationWindowClosing.newBuilder().setOrderId(ORDER_ID).setBuyerId(BUYER_ID)
                .setClosesAt(PLACED_AT.plusSeconds(3 * 3600)).setRemindedAt(PLACED_AT.plusSeconds(150 * 60));
    }

    public static BuyerCommentCommand.Builder buyerCommentCommand() {
        return BuyerCommentCommand.newBuilder().setCommandId("comment-1").setOrderId(ORDER_ID).setSellerId(SELLER_ID)
                .setText("Cancelled an hour after buying, politely.").setRequestedAt(CANCELLED_AT.plusSeconds(600));
    }

    public static ConversationMessage.Builder conversationMessage() {
        return ConversationMessage.newBuilder().setMessageId("message-1").setOrderId(ORDER_ID).setSeq(1)
                .setSenderId(BUYER_ID).setSenderRole(ParticipantRole.BUYER).setKind(MessageKind.CANCELLATION_REQUEST)
                .setText("I ordered the wrong size, could you cancel?").setReason(CancelReason.ORDERED_BY_MISTAKE)
                .setRequestId("request-1").setSentAt(PLACED_AT.plusSeconds(4 * 3600));
    }

    public static SellerNonResponsive.Builder sellerNonResponsive() {
        var first = MessageRef.newBuilder().setMessageId("message-1").setSenderId(BUYER_ID).setKind(MessageKind.MESSAGE)
                .setText("Hello?").setSentAt(PLACED_AT.plusSeconds(4 * 3600)).build();
        var second = MessageRef.newBuilder(first).setMessageId("message-2").setText("Please answer")
                .setSentAt(PLACED_AT.plusSeconds(5 * 3600)).build();
        return SellerNonResponsive.newBuilder().setOrderId(ORDER_ID).setBuyerId(BUYER_ID).setSellerId(SELLER_ID)
                .setEpisodeId(ORDER_ID + ":1").setUnanswered(java.util.List.of(first, second))
                .setFirstUnansweredAt(first.getSentAt()).setDetectedAt(first.getSentAt().plusSeconds(86_400));
    }

    public static Notification.Builder notification() {
        return Notification.newBuilder().setNotificationId("credit-entry-1").setUserId(BUYER_ID)
                .setKind(NotificationKind.CREDIT_ISSUED).setOrderId(ORDER_ID).setTitle("Store credit issued")
                .setBody("61.57 USD of store credit for your cancelled order").setAmountCents(TOTAL_CENTS)
                .setCurrency("USD").setCreatedAt(CANCELLED_AT);
    }

    public static CaseEvent.Builder caseEvent() {
        return CaseEvent.newBuilder().setEventId("case-event-1").setCaseId(ORDER_ID + ".DISPUTE.1").setOrderId(ORDER_ID)
                .setType(CaseType.DISPUTE).setStatus(CaseStatus.OPEN).setBuyerId(BUYER_ID).setSellerId(SELLER_ID)
                .setAction(CaseAction.OPENED).setActorId("support-service").setActorRole(ParticipantRole.SYSTEM)
                .setSummary("A scan after the cancellation").setAt(CANCELLED_AT.plusSeconds(601));
    }

    /** A sample value of any topic's value type, for tests that go over the whole catalogue. */
    public static <V extends SpecificRecord> V sample(Class<V> type) {
        Supplier<SpecificRecord> sample = SAMPLES.get(type);
        if (sample == null) {
            throw new IllegalArgumentException("RecordMother has no sample of " + type.getName() + ": add one");
        }
        return type.cast(sample.get());
    }
}
