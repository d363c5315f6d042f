package market.resale.messaging.stream;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import market.resale.messaging.domain.EntryKind;
import market.resale.messaging.domain.Party;
import market.resale.messaging.domain.RequestStatus;
import market.resale.platform.Ids;
import market.resale.platform.kafka.DeadLetters;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.RejectionCode;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.WindowClosedCause;
import market.resale.schemas.shipping.OrderShipped;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What the order's life tells its conversation: placed (the parties), the buyer's window closed (requests may
 * start), shipped (requests end), cancelled or a cancellation refused (a request to the seller is settled by
 * orders-service's answer; the parties are told).
 */
final class ConversationSignals {

    static final String SYSTEM_SENDER = "system";

    private final ProcessorScope scope;
    private final ConversationBook book;
    private final Clock clock;

    ConversationSignals(ProcessorScope scope, ConversationBook book, Clock clock) {
        this.scope = scope;
        this.book = book;
        this.clock = clock;
    }

    void placed(Record<String, ?> record, OrderPlaced e) {
        if (!e.getOrderId().equals(record.key())) {
            scope.deadLetter(record, DeadLetters.INVALID, "record key " + record.key() + " differs from orderId " + e.getOrderId());
            return;
        }
        var ids = Ids.orderProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        if (ids != null) {
            scope.deadLetter(record, DeadLetters.INVALID, ids);
            return;
        }
        var conversation = book.load(record.key());
        if (conversation.known()) {
            return; // a redelivered placement changes nothing
        }
        book.save(conversation, conversation.placed(e.getBuyerId(), e.getSellerId()), clock.millis());
    }

    void windowClosed(Record<String, ?> record, CancellationWindowClosed e) {
        var conversation = book.load(record.key());
        if (conversation.windowClosed()) {
            return; // the window closes once
        }
        book.save(conversation, conversation.windowClosedNow(e.getCause() == WindowClosedCause.EXPIRED), clock.millis());
        book.notify(record, Notices.windowClosed(e));
    }

    /**
     * The order shipped: a request still waiting for the seller ends (both parties are told, and the conversation says
     * so); a redelivered or later scan changes nothing.
     */
    void shipped(Record<String, ?> record, OrderShipped e) {
        var before = book.load(record.key());
        var waiting = before.pendingRequests();
        if (before.shipped() && before.trackingNumber() != null && waiting.isEmpty()) {
            return;
        }
        var now = clock.millis();
        var after = before.shippedNow(e.getTrackingNumber(), now);
        for (var request : waiting) {
            var closed = after.requests().get(request.requestId());
            if (after.known()) {
                after = book.append(record, after, after.next(SYSTEM_SENDER, Party.SYSTEM, EntryKind.SYSTEM_NOTE,
                        "The cancellation request is closed: " + closed.outcomeDetail(), null, request.requestId(), now));
            }
            scope.count("cancellation_requests_settled_total", "outcome", RequestStatus.CLOSED.name());
        }
        book.save(before, after, now);
        for (var request : waiting) {
            for (var recipient : distinct(before.buyerId(), before.sellerId())) {
                book.notify(record, Notices.requestClosed(after.requests().get(request.requestId()), recipient,
                        recipient.equals(before.buyerId()), e.getShippedAt().toEpochMilli()));
            }
        }
    }

    void cancelled(Record<String, ?> record, OrderCancelled e) {
        var before = book.load(record.key());
        if (before.cancelled()) {
            return; // an order is cancelled once
        }
        var now = clock.millis();
        var viaRequest = e.getReference() != null && before.requests().containsKey(e.getReference());
        var detail = viaRequest
                ? "The seller approved the cancellation request; the order is cancelled and "
                        + Notices.money(e.getRefund().getTotalCents(), e.getRefund().getCurrency())
                        + " is refunded to the buyer as store credit."
                : "The order was cancelled by " + who(e.getActor()) + "; "
                        + Notices.money(e.getRefund().getTotalCents(), e.getRefund().getCurrency())
                        + " is refunded to the buyer as store credit.";
        var after = before.cancelledNow(detail, now);
        if (after.known()) {
            after = book.append(record, after, after.next(SYSTEM_SENDER, Party.SYSTEM, EntryKind.SYSTEM_NOTE, detail, null,
                    viaRequest ? e.getReference() : null, now));
        }
        if (viaRequest) {
            scope.count("cancellation_requests_settled_total", "outcome", RequestStatus.CANCELLED.name());
        }
        book.save(before, after, now);
        for (var recipient : distinct(e.getBuyerId(), e.getSellerId())) {
            book.notify(record, Notices.cancellationConfirmed(e, recipient));
        }
    }

    void rejected(Record<String, ?> record, CancellationRejected e) {
        var before = book.load(record.key());
        var request = e.getReference() == null ? null : before.requests().get(e.getReference());
        if (request == null || !e.getCommandId().equals(request.cancelCommandId())) {
            // Not one of ours: whoever asked orders-service hears why.
            var recipients = e.getActor() == Actor.SELLER_APPROVED && before.known()
                    ? distinct(before.buyerId(), before.sellerId()) : distinct(e.getActorId());
            for (var recipient : recipients) {
                book.notify(record, Notices.cancellationRefused(e.getOrderId(), e.getCommandId(), recipient, e.getDetail(),
                        e.getTrackingNumber(), e.getRejectedAt()));
            }
            return;
        }
        if (request.status() != RequestStatus.APPROVED) {
            return; // settled already: a redelivery
        }
        var now = clock.millis();
        var after = before.with(request.refused(e.getCode().name(), e.getDetail(), e.getTrackingNumber(), now));
        if (e.getCode() == RejectionCode.ALREADY_SHIPPED) {
            after = after.shippedWith(e.getTrackingNumber());
        }
        var note = "The order could not be cancelled: " + e.getDetail()
                + (e.getTrackingNumber() == null || e.getDetail().contains(e.getTrackingNumber())
                ? "" : " (tracking number " + e.getTrackingNumber() + ")");
        after = book.append(record, after, after.next(SYSTEM_SENDER, Party.SYSTEM, EntryKind.SYSTEM_NOTE, note, null,
                request.requestId(), now));
        book.save(before, after, now);
        scope.count("cancellation_requests_settled_total", "outcome", RequestStatus.REFUSED.name());
        for (var recipient : distinct(before.buyerId(), before.sellerId())) {
            book.notify(record, Notices.cancellationRefused(e.getOrderId(), e.getCommandId(), recipient, e.getDetail(),
                    e.getTrackingNumber(), e.getRejectedAt()));
        }
    }

    private static String who(Actor actor) {
        return switch (actor) {
            case BUYER -> "the buyer";
            case SELLER, SELLER_APPROVED -> "the seller";
            case SUPPORT -> "support";
        };
    }

    private static List<String> distinct(String... userIds) {
        var list = new ArrayList<String>();
        for (var id : userIds) {
            if (id != null && !id.isBlank() && !list.contains(id)) {
                list.add(id);
            }
        }
        return list;
    }
}
