package market.resale.credits;

import java.time.Instant;
import market.resale.schemas.credits.RedeemCredit;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.Refund;

/** Test data: cancellations as orders-service publishes them, and redemption requests. */
public final class CreditMother {

    public static final Instant CANCELLED_AT = Instant.parse("2026-11-20T11:00:00Z");
    public static final String BUYER = "buyer-ann";

    private CreditMother() {
    }

    /** A refund of item 4500 + shipping 797 + tax 360 + credits applied 500 = 6157 USD cents. */
    public static Refund.Builder refund() {
        return Refund.newBuilder().setItemCents(4_500).setShippingCents(797).setTaxCents(360).setCreditsAppliedCents(500)
                .setTotalCents(6_157).setCurrency("USD");
    }

    public static OrderCancelled.Builder cancelled(String orderId) {
        return OrderCancelled.newBuilder().setOrderId(orderId).setCommandId("cmd-" + orderId).setBuyerId(BUYER)
                .setSellerId("seller-sam").setActor(Actor.BUYER).setActorId(BUYER).setReason(CancelReason.CHANGED_MIND)
                .setRefund(refund().build()).setPlacedAt(CANCELLED_AT.minusSeconds(600)).setCancelledAt(CANCELLED_AT);
    }

    public static RedeemCredit.Builder redeem(String requestId, long amountCents) {
        return RedeemCredit.newBuilder().setRequestId(requestId).setUserId(BUYER).setOrderId("next-" + requestId)
                .setAmountCents(amountCents).setCurrency("USD").setRequestedAt(CANCELLED_AT.plusSeconds(60));
    }
}
