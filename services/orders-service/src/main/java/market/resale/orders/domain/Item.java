package market.resale.orders.domain;

public record Item(String listingId, String title, String size, String condition) {
}
