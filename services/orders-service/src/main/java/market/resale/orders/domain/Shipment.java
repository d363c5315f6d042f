package market.resale.orders.domain;

public record Shipment(String trackingNumber, String carrier, long shippedAt) {
}
