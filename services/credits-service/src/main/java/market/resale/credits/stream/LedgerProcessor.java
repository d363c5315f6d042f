package market.resale.credits.stream;

import java.time.Duration;
import java.time.Instant;
import market.resale.credits.domain.Account;
import market.resale.credits.domain.EntryType;
import market.resale.credits.domain.LedgerEntry;
import market.resale.credits.domain.RedemptionOutcome;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.SourceOffset;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.credits.CreditRedeemed;
import market.resale.schemas.credits.RedemptionRejected;
import market.resale.schemas.credits.RedemptionRejectionCode;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies refunds and redemptions to one user's account at a time; emits what happened. */
class LedgerProcessor extends ServiceProcessor<CreditInput, Outbound> {

    private static final Logger log = LoggerFactory.getLogger(LedgerProcessor.class);

    private KeyValueStore<String, Account> accounts;
    private KeyValueStore<String, LedgerEntry> entries;
    private KeyValueStore<String, String> creditedOrders;
    private KeyValueStore<String, RedemptionOutcome> redemptions;

    LedgerProcessor(String applicationId, CommittedCounters counters) {
        super(applicationId, counters);
    }

    @Override
    protected void opened() {
        accounts = context.getStateStore(CreditsTopology.ACCOUNTS_STORE);
        entries = context.getStateStore(CreditsTopology.ENTRIES_STORE);
        creditedOrders = context.getStateStore(CreditsTopology.CREDITED_ORDERS_STORE);
        redemptions = context.getStateStore(CreditsTopology.REDEMPTIONS_STORE);
    }

    @Override
    public void process(Record<String, CreditInput> record) {
        switch (record.value()) {
            case CreditInput.Refund refund -> refund(record, refund);
            case CreditInput.Redeem redeem -> redeem(record, redeem);
        }
    }

    private void refund(Record<String, CreditInput> record, CreditInput.Refund input) {
        var c = input.cancellation();
        var amount = c.getRefund().getTotalCents();
        var currency = c.getRefund().getCurrency();
        if (amount < 0 || currency == null || !currency.matches("[A-Z]{3}")) {
            deadLetter(record, "refund amount must not be negative, in an ISO 4217 currency");
            return;
        }
        if (creditedOrders.get(c.getOrderId()) != null) {
            return; // this order's refund was issued already: a redelivery changes nothing (rule 6)
        }
        var userId = c.getBuyerId();
        var entryId = "credit-" + c.getOrderId();
        var now = context.currentSystemTimeMs();
        long balanceAfter;
        if (amount == 0) {
            // Nothing was paid (a free listing, or nothing left to refund): the refund completes with nothing moved,
            // no ledger line, and the order's refund is settled like any other (CreditIssued of 0).
            balanceAfter = account(userId).balance(currency);
        } else {
            Account account;
            try {
                account = account(userId).credit(currency, amount);
            } catch (ArithmeticException overflow) {
                deadLetter(record, "the balance would overflow");
                return;
            }
            var entry = new LedgerEntry(entryId, account.lastSequence(), EntryType.CREDIT, c.getOrderId(),
                    amount, currency, "CANCELLATION:" + c.getReason(), now, account.balance(currency));
            save(account, entry);
            balanceAfter = entry.balanceAfterCents();
        }
        creditedOrders.put(c.getOrderId(), entryId);
        scope().emit(record, userId, Outbound.to(Topics.CREDIT_ISSUED, CreditIssued.newBuilder()
                .setEntryId(entryId).setUserId(userId).setOrderId(c.getOrderId())
                .setCancelCommandId(c.getCommandId()).setAmountCents(amount).setCurrency(currency)
                .setBalanceAfterCents(balanceAfter).setIssuedAt(Instant.ofEpochMilli(now))
                .build()));
        counters.increment(context, "credit_issued_total", "currency", currency);
        log.atInfo().addKeyValue("orderId", c.getOrderId()).addKeyValue("userId", userId).addKeyValue("amountCents", amount)
                .addKeyValue("currency", currency).addKeyValue("entryId", entryId)
                .log("Credit of {} {} cents issued to {} for cancelled order {}", currency, amount, userId, c.getOrderId());
        counters.increment(context, "credit_issued_cents_total", amount, "currency", currency);
        meters.timer("cancellation_to_credit_seconds")
                .record(Duration.ofMillis(Math.max(0, now - c.getCancelledAt().toEpochMilli())));
    }

    private void redeem(Record<String, CreditInput> record, CreditInput.Redeem input) {
        var r = input.request();
        if (!r.getUserId().equals(record.key()) || r.getAmountCents() <= 0 || r.getRequestId().isBlank()) {
            deadLetter(record, "redemption must be keyed by its user, with a positive amount and a request id");
            return;
        }
        var key = CreditsTopology.redemptionKey(r.getUserId(), r.getRequestId());
        if (redemptions.get(key) != null) {
            return; // the same idempotency key was answered already
        }
        var now = context.currentSystemTimeMs();
        var before = account(r.getUserId());
        switch (before.redeem(r.getCurrency(), r.getAmountCents())) {
            case Account.Redemption.Done done -> {
                var account = done.account();
                var entry = new LedgerEntry("redemption-" + r.getRequestId(), account.lastSequence(), EntryType.REDEMPTION,
                        r.getOrderId(), -r.getAmountCents(), r.getCurrency(), "PURCHASE", now, account.balance(r.getCurrency()));
                save(account, entry);
                redemptions.put(key, new RedemptionOutcome(r.getRequestId(), r.getUserId(), r.getOrderId(), true, null,
                        r.getAmountCents(), r.getCurrency(), entry.balanceAfterCents(), entry.entryId(), now,
                        SourceOffset.of(context)));
                scope().emit(record, r.getUserId(), Outbound.to(Topics.CREDIT_REDEEMED, CreditRedeemed.newBuilder()
                        .setEntryId(entry.entryId()).setRequestId(r.getRequestId()).setUserId(r.getUserId())
                        .setOrderId(r.getOrderId()).setAmountCents(r.getAmountCents()).setCurrency(r.getCurrency())
                        .setBalanceAfterCents(entry.balanceAfterCents()).setRedeemedAt(Instant.ofEpochMilli(now))
                        .build()));
                counters.increment(context, "credit_redeemed_cents_total", r.getAmountCents(), "currency", r.getCurrency());
            }
            case Account.Redemption.Refused refused -> {
                var balance = before.balance(r.getCurrency());
                redemptions.put(key, new RedemptionOutcome(r.getRequestId(), r.getUserId(), r.getOrderId(), false,
                        refused.code().name(), r.getAmountCents(), r.getCurrency(), balance, null, now, SourceOffset.of(context)));
                var code = switch (refused.code()) {
                    case INSUFFICIENT_BALANCE -> RedemptionRejectionCode.INSUFFICIENT_BALANCE;
                    case CURRENCY_MISMATCH -> RedemptionRejectionCode.CURRENCY_MISMATCH;
                    case INVALID_AMOUNT -> RedemptionRejectionCode.UNKNOWN;
                };
                scope().emit(record, r.getUserId(), Outbound.to(Topics.REDEMPTION_REJECTED, RedemptionRejected.newBuilder()
                        .setRequestId(r.getRequestId()).setUserId(r.getUserId()).setCode(code)
                        .setBalanceCents(balance).setRejectedAt(Instant.ofEpochMilli(now)).build()));
                counters.increment(context, "credit_redemptions_refused_total", "code", refused.code().name());
            }
        }
    }

    private Account account(String userId) {
        var account = accounts.get(userId);
        return account == null ? Account.open(userId) : account;
    }

    private void save(Account account, LedgerEntry entry) {
        accounts.put(account.userId(), account);
        entries.put(CreditsTopology.entryKey(account.userId(), entry.sequence()), entry);
    }


    private void deadLetter(Record<String, CreditInput> record, String detail) {
        deadLetter(record, DeadLetters.INVALID, detail);
    }
}
