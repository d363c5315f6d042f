package market.resale.credits.stream;

import market.resale.schemas.credits.RedeemCredit;
import market.resale.schemas.orders.OrderCancelled;

/** What changes a user's credit, merged into one stream keyed by user so each account changes one record at a time. */
sealed interface CreditInput {

    record Refund(OrderCancelled cancellation) implements CreditInput {
    }

    record Redeem(RedeemCredit request) implements CreditInput {
    }
}
