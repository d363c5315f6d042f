package market.resale.orders.stream;

import market.resale.orders.domain.Actor;
import market.resale.orders.domain.Amounts;
import market.resale.orders.domain.CancelRequest;
import market.resale.orders.domain.Item;
import market.resale.orders.domain.RejectionCode;
import market.resale.orders.domain.Shipment;
import market.resale.platform.kafka.SourceOffset;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.Refund;
import market.resale.schemas.shipping.OrderShipped;

/** The one mapping between orders-service's Avro records and its domain values, both ways. */
public final class OrderRecords {

    private OrderRecords() {
    }

    public static Amounts amounts(OrderPlaced e) {
        return new Amounts(e.getPriceCents(), e.getShippingCents(), e.getTaxCents(), e.getCreditsAppliedCents(), e.getCurrency());
    }

    public static Item item(OrderPlaced e) {
        return new Item(e.getListingId(), e.getTitle(), e.getSize(), e.getCondition().name());
    }

    public static Shipment shipment(OrderShipped e) {
        return new Shipment(e.getTrackingNumber(), e.getCarrier(), e.getShippedAt().toEpochMilli());
    }

    /** The command as the policy decides it, marked with what it asked (its fingerprint) and where it was read. */
    public static CancelRequest request(CancelOrderCommand c, SourceOffset source) {
        var actor = actor(c.getActor());
        return new CancelRequest(c.getCommandId(), actor, c.getActorId(), c.getReason().name(), c.getNote(),
                c.getExpectedVersion(), c.getRequestedAt().toEpochMilli(), c.getReference(),
                CancelRequest.fingerprint(actor, c.getReason().name(), c.getNote(), c.getExpectedVersion()), source);
    }

    public static Actor actor(market.resale.schemas.orders.Actor actor) {
        return Actor.valueOf(actor.name());
    }

    public static market.resale.schemas.orders.Actor actor(Actor actor) {
        return market.resale.schemas.orders.Actor.valueOf(actor.name());
    }

    public static market.resale.schemas.orders.RejectionCode code(RejectionCode code) {
        return market.resale.schemas.orders.RejectionCode.valueOf(code.name());
    }

    public static Refund refund(Amounts a) {
        return Refund.newBuilder().setItemCents(a.priceCents()).setShippingCents(a.shippingCents())
                .setTaxCents(a.taxCents()).setCreditsAppliedCents(a.creditsAppliedCents())
                .setTotalCents(a.totalCents()).setCurrency(a.currency()).build();
    }
}
