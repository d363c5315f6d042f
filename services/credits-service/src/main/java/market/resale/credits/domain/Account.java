package market.resale.credits.domain;

import java.util.HashMap;
import java.util.Map;

/**
 * A user's store-credit balances (one per currency) and the sequence of their last ledger entry.
 * Credit is only ever added by a cancellation refund and only ever spent on a purchase; there is
 * no operation that pays it out (rule 6).
 */
public record Account(String userId, Map<String, Long> balances, long lastSequence) {

    public Account {
        balances = Map.copyOf(balances);
    }

    public static Account open(String userId) {
        return new Account(userId, Map.of(), 0);
    }

    public long balance(String currency) {
        return balances.getOrDefault(currency, 0L);
    }

    public Account credit(String currency, long amountCents) {
        if (amountCents <= 0) {
            throw new IllegalArgumentException("credit must be positive");
        }
        return with(currency, Math.addExact(balance(currency), amountCents));
    }

    /** Spends credit; the decision never lets a balance go below zero. */
    public Redemption redeem(String currency, long amountCents) {
        if (amountCents <= 0) {
            return new Redemption.Refused(RefusalCode.INVALID_AMOUNT, this);
        }
        if (!balances.containsKey(currency) && !balances.isEmpty()) {
            return new Redemption.Refused(RefusalCode.CURRENCY_MISMATCH, this);
        }
        if (balance(currency) < amountCents) {
            return new Redemption.Refused(RefusalCode.INSUFFICIENT_BALANCE, this);
        }
        return new Redemption.Done(with(currency, balance(currency) - amountCents));
    }

    private Account with(String currency, long balance) {
        var next = new HashMap<>(balances);
        next.put(currency, balance);
        return new Account(userId, next, lastSequence + 1);
    }

    public enum RefusalCode {
        INSUFFICIENT_BALANCE, CURRENCY_MISMATCH, INVALID_AMOUNT
    }

    public sealed interface Redemption {
        record Done(Account account) implements Redemption {
        }

        record Refused(RefusalCode code, Account account) implements Redemption {
        }
    }
}
