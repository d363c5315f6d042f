package market.resale.orders.domain;

/** The buyer's rating of the seller for this order (rule 15), as the reviews app sent it; the latest one stands. */
public record Rating(String ratingId, int stars, String comment, long ratedAt) {

    /** Whether {@code stars} is a rating at all: 1 to 5. */
    public static boolean valid(int stars) {
        return stars >= 1 && stars <= 5;
    }
}
