package market.resale.credits;

import java.time.Instant;
import market.resale.schemas.RecordMother;
import market.resale.schemas.credits.RedeemCredit;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.Refund;

/** Test data: cancellations as orders-service publishes them, and redemption requests. */
public final class CreditMother {

    public static final Instant CANCELLED_AT = RecordMother.CANCELLED_AT;
    public static final String BUYER = RecordMother.BUYER_ID;

    private CreditMother() {
    }

    /** A refund of item 4500 + shipping 797 + tax 360 + credits applied 500 = 6157 USD cents. */
    public static Refund.Builder refund() {
        return RecordMother.refund();
    }

    public static OrderCancelled.Builder cancelled(String orderId) {
        return RecordMother.orderCancelled(orderId, CANCELLED_AT);
    }

    public static RedeemCredit.Builder redeem(String requestId, long amountCents) {
        return RedeemCredit.newBuilder().setRequestId(requestId).setUserId(BUYER).setOrderId("next-" + requestId)
                .setAmountCents(amountCents).setCurrency("USD").setRequestedAt(CANCELLED_AT.plusSeconds(60));
    }
}
