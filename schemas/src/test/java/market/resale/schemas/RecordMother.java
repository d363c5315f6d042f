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
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.Refund;
import market.resale.schemas.orders.RejectionCode;
import market.resale.schemas.orders.WindowClosedCause;
import market.resale.schemas.shipping.LabelVoided;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.shipping.ScanConflict;
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
            Map.entry(RedemptionRejected.class, () -> redemptionRejected().build()));

    /** A sample value of any topic's value type, for tests that go over the whole catalogue. */
    public static <V extends SpecificRecord> V sample(Class<V> type) {
        Supplier<SpecificRecord> sample = SAMPLES.get(type);
        if (sample == null) {
            throw new IllegalArgumentException("RecordMother has no sample of " + type.getName() + ": add one");
        }
        return type.cast(sample.get());
    }
}
