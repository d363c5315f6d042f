package market.resale.orders.domain;

/** What the buyer paid, in minor units of {@code currency}. */
public record Amounts(long priceCents, long shippingCents, long taxCents, long creditsAppliedCents, String currency) {

    /** The refund of a cancellation: everything the buyer paid, the credit they spent included (rule 6). */
    public long totalCents() {
        return Math.addExact(Math.addExact(priceCents, shippingCents), Math.addExact(taxCents, creditsAppliedCents));
    }
}
