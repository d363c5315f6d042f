package market.resale.credits.domain;

/**
 * One line of a user's store-credit ledger. {@code amountCents} is positive for credit and negative
 * for redemptions; {@code balanceAfterCents} is the balance in {@code currency} after this entry.
 */
public record LedgerEntry(String entryId, long sequence, EntryType type, String orderId, long amountCents, String currency,
                          String reason, long at, long balanceAfterCents) {
}
