package market.resale.orders.stream;

import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.BuyerCommentCommand;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.reviews.OrderRated;
import market.resale.schemas.support.CaseEvent;

/** Everything that can happen to an order, merged into one stream so it is decided in one order per order. */
sealed interface OrderInput {

    record Placed(OrderPlaced event) implements OrderInput {
    }

    record Shipped(OrderShipped event) implements OrderInput {
    }

    record Cancel(CancelOrderCommand command) implements OrderInput {
    }

    record Comment(BuyerCommentCommand command) implements OrderInput {
    }

    record CaseChanged(CaseEvent event) implements OrderInput {
    }

    /** The reviews app's rating of the order's seller (rule 15). */
    record Rated(OrderRated event) implements OrderInput {
    }

    /** A credit issued for the order's cancellation, re-keyed by order from credits' user-keyed topic. */
    record Credited(String orderId, long amountCents, String currency, long issuedAt) implements OrderInput {
    }
}
