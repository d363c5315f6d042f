package market.resale.messaging.stream;

import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.messaging.ConversationCommand;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.OrderShipped;

/** Everything about one order's conversation, merged into one stream keyed by order so it is applied one record at a time. */
sealed interface ConversationInput {

    record Placed(OrderPlaced event) implements ConversationInput {
    }

    record WindowClosed(CancellationWindowClosed event) implements ConversationInput {
    }

    record Shipped(OrderShipped event) implements ConversationInput {
    }

    record Cancelled(OrderCancelled event) implements ConversationInput {
    }

    record Rejected(CancellationRejected event) implements ConversationInput {
    }

    record Command(ConversationCommand command) implements ConversationInput {
    }
}
