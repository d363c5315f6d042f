package market.resale.orders.domain;

public enum OrderStatus {
    PLACED, SHIPPED, CANCELLED
}
