package market.resale.support.stream;

import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.support.CaseCommand;

/** Everything that changes an order's cases, merged into one stream keyed by order id. */
sealed interface CaseInput {

    record Placed(OrderPlaced event) implements CaseInput {
    }

    record NonResponsive(SellerNonResponsive event) implements CaseInput {
    }

    record Conflict(ScanConflict event) implements CaseInput {
    }

    record Cancelled(OrderCancelled event) implements CaseInput {
    }

    record CancelRefused(CancellationRejected event) implements CaseInput {
    }

    record Command(CaseCommand command) implements CaseInput {
    }

    record Message(ConversationMessage message) implements CaseInput {
    }
}
