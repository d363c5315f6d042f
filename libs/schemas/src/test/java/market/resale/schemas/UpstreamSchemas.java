package market.resale.schemas;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The contract as an upstream app writes it with schemas of its own, the way production runs: checkout's
 * {@code OrderPlaced} in its own namespace, its {@code ItemCondition} in another (a serializer that registers nested
 * types separately makes it a reference), and a field the services do not know ({@code salesChannel}).
 */
public final class UpstreamSchemas {

    public static final Schema ORDER_PLACED = new Schema.Parser().parse("""
            {"type": "record", "name": "OrderPlaced", "namespace": "com.checkout.events", "fields": [
              {"name": "orderId", "type": "string"}, {"name": "buyerId", "type": "string"},
              {"name": "sellerId", "type": "string"}, {"name": "listingId", "type": "string"},
              {"name": "title", "type": "string"}, {"name": "size", "type": ["null", "string"], "default": null},
              {"name": "condition", "type": {"type": "enum", "name": "ItemCondition", "namespace": "com.checkout.catalog",
                "symbols": ["NEW_WITH_TAGS", "NEW_WITHOUT_TAGS", "EXCELLENT", "GOOD", "FAIR"]}},
              {"name": "priceCents", "type": "long"}, {"name": "shippingCents", "type": "long"},
              {"name": "taxCents", "type": "long"}, {"name": "creditsAppliedCents", "type": "long"},
              {"name": "currency", "type": "string"},
              {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "salesChannel", "type": "string"}]}""");

    private UpstreamSchemas() {
    }

    /** A placement in {@code schema} (ORDER_PLACED or an evolution of it): a wool coat in GOOD condition, 5.00 shipping. */
    public static GenericRecord orderPlaced(Schema schema, String orderId, String buyerId, String sellerId, long priceCents,
                                            String currency, Instant placedAt) {
        var order = new GenericData.Record(schema);
        order.put("orderId", orderId);
        order.put("buyerId", buyerId);
        order.put("sellerId", sellerId);
        order.put("listingId", "l-" + orderId);
        order.put("title", "Wool coat");
        order.put("condition", new GenericData.EnumSymbol(schema.getField("condition").schema(), "GOOD"));
        order.put("priceCents", priceCents);
        order.put("shippingCents", 500L);
        order.put("taxCents", 0L);
        order.put("creditsAppliedCents", 0L);
        order.put("currency", currency);
        order.put("placedAt", placedAt.toEpochMilli());
        order.put("salesChannel", "ios-app");
        return order;
    }
}
