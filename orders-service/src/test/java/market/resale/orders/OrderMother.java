package market.resale.orders;

import java.time.Duration;
import java.time.Instant;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.ItemCondition;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.shipping.OrderShipped;

/** Test data: an order as checkout publishes it, its shipment, and cancellations of it. */
public final class OrderMother {

    public static final Instant PLACED_AT = Instant.parse("2026-11-20T10:00:00Z");
    public static final Duration WINDOW = Duration.ofHours(3);
    public static final String BUYER = "buyer-ann";
    public static final String SELLER = "seller-sam";

    private OrderMother() {
    }

    public static OrderPlaced.Builder placed(String orderId) {
        return OrderPlaced.newBuilder()
                .setOrderId(orderId).setBuyerId(BUYER).setSellerId(SELLER).setListingId("listing-" + orderId)
                .setTitle("Vintage denim jacket").setSize("M").setCondition(ItemCondition.EXCELLENT)
                .setPriceCents(4_500).setShippingCents(797).setTaxCents(360).setCreditsAppliedCents(500)
                .setCurrency("USD").setPlacedAt(PLACED_AT);
    }

    /** price + shipping + tax + credits applied of {@link #placed}. */
    public static final long REFUND_CENTS = 4_500 + 797 + 360 + 500;

    public static OrderShipped.Builder shipped(String orderId, Instant at) {
        return OrderShipped.newBuilder().setOrderId(orderId).setTrackingNumber("1Z999AA10123456784").setCarrier("UPS")
                .setScanId("scan-" + orderId).setScanType(ScanType.ACCEPTED).setShippedAt(at);
    }

    public static CancelOrderCommand.Builder buyerCancels(String orderId, Instant at) {
        return CancelOrderCommand.newBuilder().setCommandId("cmd-" + orderId + "-" + at.toEpochMilli())
                .setOrderId(orderId).setActor(Actor.BUYER).setActorId(BUYER).setReason(CancelReason.CHANGED_MIND)
                .setRequestedAt(at);
    }

    public static CancelOrderCommand.Builder sellerCancels(String orderId, Instant at) {
        return buyerCancels(orderId, at).setCommandId("seller-cmd-" + orderId + "-" + at.toEpochMilli())
                .setActor(Actor.SELLER).setActorId(SELLER).setReason(CancelReason.ITEM_UNAVAILABLE);
    }
}
