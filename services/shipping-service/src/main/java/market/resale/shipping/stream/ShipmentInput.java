package market.resale.shipping.stream;

import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.OrderCancelled;

/** Everything that can happen to a shipment, merged into one stream so it is applied in one order per order. */
sealed interface ShipmentInput {

    record Placed(OrderPlaced event) implements ShipmentInput {
    }

    record Scanned(CarrierScan scan) implements ShipmentInput {
    }

    record Cancelled(OrderCancelled event) implements ShipmentInput {
    }
}
