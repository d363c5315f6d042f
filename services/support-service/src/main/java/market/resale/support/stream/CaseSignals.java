package market.resale.support.stream;

import market.resale.platform.Ids;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.topics.DeadLetterHeaders;
import market.resale.support.domain.CaseLimits;
import market.resale.support.domain.CaseSource;
import market.resale.support.domain.CaseType;
import market.resale.support.domain.Change;
import market.resale.support.domain.MessageQuote;
import market.resale.support.domain.SupportCase;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What the other services tell support: an order's parties (placement), a non-responsive seller (rule 4, a case
 * opened by the service itself), a scan after a cancellation (rule 8, a dispute), and orders-service's answer to a
 * cancellation support ordered. Each signal is applied once: a case remembers the signals it has seen.
 */
final class CaseSignals {

    private final ProcessorScope scope;
    private final CaseBook book;
    private final CaseLimits limits;

    CaseSignals(ProcessorScope scope, CaseBook book, CaseLimits limits) {
        this.scope = scope;
        this.book = book;
        this.limits = limits;
    }

    void placed(Record<String, ?> record, OrderPlaced e) {
        var problem = !e.getOrderId().equals(record.key()) ? keyProblem(record, e.getOrderId())
                : Ids.orderProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        if (problem != null) {
            scope.deadLetter(record, DeadLetters.INVALID, problem);
            return;
        }
        var order = book.order(e.getOrderId());
        if (!order.placed()) {
            book.keep(order.withParties(e.getBuyerId(), e.getSellerId(), true));
        }
    }

    /** Rule 4 / guide §7.1: opened by the service itself, with the unanswered messages as evidence. */
    void nonResponsive(Record<String, ?> record, SellerNonResponsive e) {
        var problem = !e.getOrderId().equals(record.key()) ? keyProblem(record, e.getOrderId())
                : e.getUnanswered().isEmpty() ? "no unanswered messages"
                : Ids.orderProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        var order = problem == null ? book.order(e.getOrderId()).withParties(e.getBuyerId(), e.getSellerId(), false) : null;
        if (problem == null && !(order.buyerId().equals(e.getBuyerId()) && order.sellerId().equals(e.getSellerId()))) {
            problem = "the parties differ from those of order " + e.getOrderId();
        }
        if (problem != null) {
            scope.deadLetter(record, DeadLetters.INVALID, problem);
            return;
        }
        var quotes = e.getUnanswered().stream().map(m -> new MessageQuote(m.getMessageId(), m.getSenderId(),
                m.getKind().name(), m.getSentAt().toEpochMilli(), m.getText())).toList();
        var signal = "episode:" + e.getEpisodeId();
        var now = scope.now();
        var openId = order.openCase(CaseType.NON_RESPONSIVE_SELLER);
        if (openId != null) {
            var before = book.kase(openId);
            book.apply(record, order.withSignal(signal), before, before.addMessages(system(), quotes, now, limits));
        } else if (!order.seen(signal)) {
            var description = "The seller left " + quotes.size() + " buyer message(s) unanswered since "
                    + e.getFirstUnansweredAt() + " (episode " + e.getEpisodeId() + ")";
            var opened = book.open(order.withSignal(signal), CaseType.NON_RESPONSIVE_SELLER, system(), CaseSource.MESSAGING,
                    description, now);
            book.apply(record, opened.order(), null, opened.kase().addMessages(system(), quotes, now, limits));
        }
    }

    /** Rule 8 / guide §7.2: a scan after the cancellation opens a dispute (the parcel must go back). */
    void conflict(Record<String, ?> record, ScanConflict e) {
        if (!e.getOrderId().equals(record.key())) {
            scope.deadLetter(record, DeadLetters.INVALID, keyProblem(record, e.getOrderId()));
            return;
        }
        var order = book.stored(e.getOrderId());
        if (order == null || !order.hasParties()) {
            scope.deadLetter(record, DeadLetterHeaders.UNKNOWN_ORDER, "no order " + e.getOrderId());
            return;
        }
        var signal = "scan:" + e.getScanId();
        if (order.seen(signal)) {
            return;
        }
        var text = "Carrier scan " + e.getScanType() + " of " + e.getTrackingNumber() + " (" + e.getCarrier() + ") at "
                + e.getScannedAt() + " after the order was cancelled at " + e.getCancelledAt()
                + ": the parcel must go back; the buyer keeps the credit";
        var now = scope.now();
        var openId = order.openCase(CaseType.DISPUTE);
        if (openId != null) {
            var before = book.kase(openId);
            book.apply(record, order.withSignal(signal), before, before.addStatement(system(), text, now, limits));
        } else {
            var opened = book.open(order.withSignal(signal), CaseType.DISPUTE, system(), CaseSource.SHIPPING, text, now);
            book.apply(record, opened.order(), null, new Change.Applied(opened.kase()));
        }
    }

    void cancelled(Record<String, ?> record, OrderCancelled e) {
        var kase = referencedCase(record, e.getActor(), e.getReference());
        if (kase != null) {
            book.apply(record, book.order(kase.orderId()), kase, kase.cancellationCarriedOut(scope.now()));
        }
    }

    void cancelRefused(Record<String, ?> record, CancellationRejected e) {
        var kase = referencedCase(record, e.getActor(), e.getReference());
        if (kase != null) {
            book.apply(record, book.order(kase.orderId()), kase,
                    kase.cancellationRefused(e.getCommandId(), e.getCode().name(), e.getDetail(), scope.now()));
        }
    }

    /** Only cancellations support ordered name a case; others (buyers, sellers, approved requests) are not ours. */
    private SupportCase referencedCase(Record<String, ?> record, Actor actor, String reference) {
        if (actor != Actor.SUPPORT || reference == null) {
            return null;
        }
        var kase = book.kase(reference);
        if (kase == null || !kase.orderId().equals(record.key())) {
            scope.deadLetter(record, DeadLetters.INVALID, "no case " + reference + " of order " + record.key());
            return null;
        }
        return kase;
    }

    private static String keyProblem(Record<String, ?> record, String orderId) {
        return "record key " + record.key() + " differs from orderId " + orderId;
    }

    private static market.resale.support.domain.Actor system() {
        return market.resale.support.domain.Actor.system();
    }
}
