package market.resale.orders;

import java.time.Duration;
import java.time.Instant;
import market.resale.schemas.RecordMother;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.shipping.OrderShipped;

/** Test data: an order as checkout publishes it, its shipment, and cancellations of it. */
public final class OrderMother {

    public static final Instant PLACED_AT = RecordMother.PLACED_AT;
    public static final Duration WINDOW = Duration.ofHours(3);
    public static final Duration REMINDER = Duration.ofMinutes(30);
    public static final String BUYER = RecordMother.BUYER_ID;
    public static final String SELLER = RecordMother.SELLER_ID;

    private OrderMother() {
    }

    public static OrderPlaced.Builder placed(String orderId) {
        return RecordMother.orderPlaced(orderId);
    }

    /** price + shipping + tax + credits applied of {@link #placed}. */
    public static final long REFUND_CENTS = RecordMother.TOTAL_CENTS;

    public static OrderShipped.Builder shipped(String orderId, Instant at) {
        return OrderShipped.newBuilder().setOrderId(orderId).setTrackingNumber("1Z999AA10123456784").setCarrier("UPS")
                .setScanId("scan-" + orderId).setScanType(ScanType.ACCEPTED).setShippedAt(at);
    }

    /** The buyer confirms what a placed order showed them (version 1), as they must (rule 7). */
    public static CancelOrderCommand.Builder buyerCancels(String orderId, Instant at) {
        return CancelOrderCommand.newBuilder().setCommandId("cmd-" + orderId + "-" + at.toEpochMilli())
                .setOrderId(orderId).setActor(Actor.BUYER).setActorId(BUYER).setReason(CancelReason.CHANGED_MIND)
                .setExpectedVersion(1L).setRequestedAt(at);
    }

    /** The seller approved the buyer's request {@code requestId} in messaging. */
    public static CancelOrderCommand.Builder sellerApproves(String orderId, Instant at, String requestId) {
        return buyerCancels(orderId, at).setCommandId("request:" + requestId).setActor(Actor.SELLER_APPROVED)
                .setActorId(SELLER).setReference(requestId).setExpectedVersion(null);
    }

    /** An agent ordered the cancellation as the outcome of case {@code caseId}. */
    public static CancelOrderCommand.Builder supportCancels(String orderId, Instant at, String caseId) {
        return buyerCancels(orderId, at).setCommandId("case:" + caseId).setActor(Actor.SUPPORT).setActorId("agent-ada")
                .setReason(CancelReason.DISPUTE_RESOLUTION).setReference(caseId).setExpectedVersion(null);
    }

    public static CancelOrderCommand.Builder sellerCancels(String orderId, Instant at) {
        return buyerCancels(orderId, at).setCommandId("seller-cmd-" + orderId + "-" + at.toEpochMilli())
                .setActor(Actor.SELLER).setActorId(SELLER).setReason(CancelReason.ITEM_UNAVAILABLE);
    }
}
