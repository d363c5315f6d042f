package market.resale.orders.stream;

import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.shipping.OrderShipped;

/** Everything that can happen to an order, merged into one stream so it is decided in one order per order. */
sealed interface OrderInput {

    record Placed(OrderPlaced event) implements OrderInput {
    }

    record Shipped(OrderShipped event) implements OrderInput {
    }

    record Cancel(CancelOrderCommand command) implements OrderInput {
    }
}
