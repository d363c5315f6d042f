package market.resale.orders.stream;

import java.time.Instant;
import market.resale.orders.config.OrdersSettings;
import market.resale.orders.domain.CancellationPolicy;
import market.resale.orders.domain.Decision;
import market.resale.orders.domain.Order;
import market.resale.orders.domain.OrderStatus;
import market.resale.orders.domain.Rating;
import market.resale.orders.domain.SellerComment;
import market.resale.orders.domain.Shipment;
import market.resale.orders.domain.TimelineEntry;
import market.resale.platform.kafka.CommittedCounters;
import market.resale.platform.kafka.ServiceProcessor;
import market.resale.platform.kafka.DeadLetters;
import market.resale.schemas.topics.DeadLetterHeaders;
import market.resale.platform.kafka.DueIndex;
import market.resale.platform.kafka.ExpiringStore;
import market.resale.orders.domain.Attempt;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.SourceOffset;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.BuyerCommentCommand;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.CancellationWindowClosing;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.ShipByDue;
import market.resale.schemas.orders.ShipByStage;
import market.resale.schemas.orders.WindowClosedCause;
import market.resale.schemas.reviews.OrderRated;
import market.resale.schemas.support.CaseEvent;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every order's state. Emits {@link Outbound} events and, after each change, the changed
 * {@link Order} (for the purchases/sales index).
 *
 * <p>The window timer keeps an index of deadlines ({@link DueIndex}: {@code <deadline>|<orderId>}) and on each tick
 * reads only the entries that are due, so its cost follows the number of windows closing, not the number of orders.
 * The reminder that a window closes soon ({@code <remind-at>|<orderId>|remind}) lives in the same index. The answer to
 * each cancellation ({@link Attempt}) is kept apart from the order for {@code answer-retention}, then forgotten by
 * the same timer, so that a retry with the same Idempotency-Key is answered the same however many others came between.
 */
class OrderProcessor extends ServiceProcessor<OrderInput, Object> {

    private static final Logger log = LoggerFactory.getLogger(OrderProcessor.class);

    /** A reminder sorts with the deadlines by its own time; the suffix tells it apart (order ids never contain '|'). */
    private static final String REMINDER_SUFFIX = "|remind";
    /** The seller's reminder a day before the ship-by deadline, and the deadline itself (rule 13). */
    private static final String SHIP_BY_REMINDER_SUFFIX = "|shipby-remind";
    private static final String SHIP_BY_SUFFIX = "|shipby";

    private final CancellationPolicy policy;
    private final OrdersSettings settings;
    private KeyValueStore<String, Order> orders;
    private DueIndex deadlines;
    /** Shipments that overtook their placement, kept {@code early-shipment-retention}. */
    private ExpiringStore<Shipment> earlyShipments;
    /** The answers to commands, kept {@code answer-retention}. */
    private ExpiringStore<Attempt> attempts;

    OrderProcessor(CancellationPolicy policy, OrdersSettings settings, String applicationId, CommittedCounters counters) {
        super(applicationId, counters);
        this.policy = policy;
        this.settings = settings;
    }

    @Override
    protected void opened() {
        this.orders = context.getStateStore(OrdersTopology.ORDERS_STORE);
        this.deadlines = new DueIndex(context.getStateStore(OrdersTopology.WINDOW_DEADLINES_STORE));
        this.earlyShipments = new ExpiringStore<>(context.getStateStore(OrdersTopology.EARLY_SHIPMENTS_STORE),
                context.getStateStore(OrdersTopology.EARLY_SHIPMENT_EXPIRY_STORE));
        this.attempts = new ExpiringStore<>(context.getStateStore(OrdersTopology.ATTEMPTS_STORE),
                context.getStateStore(OrdersTopology.ATTEMPT_EXPIRY_STORE));
        context.schedule(settings.expiryCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            runDueDeadlines(now);
            forgetOldAnswers(now);
        });
    }

    @Override
    public void process(Record<String, OrderInput> record) {
        switch (record.value()) {
            case OrderInput.Placed placed -> place(record, placed);
            case OrderInput.Shipped shipped -> ship(record, shipped);
            case OrderInput.Cancel cancel -> cancel(record, cancel);
            case OrderInput.Comment comment -> comment(record, comment.command());
            case OrderInput.CaseChanged changed -> caseChanged(record, changed.event());
            case OrderInput.Rated rated -> rate(record, rated.event());
            case OrderInput.Credited credited -> note(record, credited.orderId(), new TimelineEntry(TimelineEntry.CREDIT_ISSUED,
                    credited.issuedAt(), credited.amountCents() == 0 ? "nothing to refund"
                            : credited.amountCents() + " " + credited.currency() + " store credit"));
        }
    }

    private void place(Record<String, OrderInput> record, OrderInput.Placed placed) {
        var e = placed.event();
        if (!e.getOrderId().equals(record.key())) {
            deadLetter(record, DeadLetters.INVALID, "record key " + record.key() + " differs from orderId " + e.getOrderId());
            return;
        }
        var problem = validate(e);
        if (problem != null) {
            deadLetter(record, DeadLetters.INVALID, problem);
            return;
        }
        var existing = orders.get(e.getOrderId());
        if (existing != null) {
            // A redelivered placement changes nothing; another placement under the same id (other parties or amounts)
            // is not ours to choose between: the first stands, the other goes to the dead-letter topic for checkout.
            var amounts = OrderRecords.amounts(e);
            if (!existing.buyerId().equals(e.getBuyerId()) || !existing.sellerId().equals(e.getSellerId())
                    || !existing.amounts().equals(amounts)) {
                deadLetter(record, DeadLetters.CONFLICTING_DUPLICATE, "order " + e.getOrderId()
                        + " was placed already with other parties or amounts; the first placement stands");
            }
            return;
        }
        if (e.getCondition() == market.resale.schemas.checkout.ItemCondition.UNKNOWN) {
            // Checkout's enum has a condition newer than this service: the order is taken, its condition shown as UNKNOWN.
            counters.increment(context, "contract_unknown_symbols_total", "topic", Topics.ORDER_PLACED.name(), "field", "condition");
            log.atWarn().addKeyValue("orderId", e.getOrderId())
                    .log("Order {} has an item condition this service does not know; recorded as UNKNOWN", e.getOrderId());
        }
        var placedAt = e.getPlacedAt().toEpochMilli();
        var order = Order.placed(e.getOrderId(), e.getBuyerId(), e.getSellerId(),
                OrderRecords.item(e), OrderRecords.amounts(e),
                placedAt, policy.windowClosesAt(placedAt), policy.shipBy(placedAt));
        deadlines.add(order.windowClosesAt(), order.orderId());
        var remindAt = order.windowClosesAt() - settings.windowReminder().toMillis();
        if (settings.windowReminder().isPositive() && remindAt > order.placedAt()) {
            deadlines.add(remindAt, order.orderId() + REMINDER_SUFFIX);
        }
        deadlines.add(order.shipBy(), order.orderId() + SHIP_BY_SUFFIX);
        var shipByRemindAt = order.shipBy() - settings.shipByReminder().toMillis();
        // An order that arrives with its reminder time already behind it (checkout was late) is not reminded of.
        if (settings.shipByReminder().isPositive() && shipByRemindAt > Math.max(order.placedAt(), context.currentSystemTimeMs())) {
            deadlines.add(shipByRemindAt, order.orderId() + SHIP_BY_REMINDER_SUFFIX);
        }
        save(record, order);
        var early = earlyShipments.get(order.orderId());
        if (early != null) {
            earlyShipments.delete(order.orderId());
            ship(record, order, early);
        }
    }

    private static String validate(market.resale.schemas.checkout.OrderPlaced e) {
        var ids = market.resale.platform.Ids.orderProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        if (ids != null) {
            return ids;
        }
        if (e.getPriceCents() < 0 || e.getShippingCents() < 0 || e.getTaxCents() < 0 || e.getCreditsAppliedCents() < 0) {
            return "negative amount";
        }
        if (e.getCurrency() == null || !e.getCurrency().matches("[A-Z]{3}")) {
            return "currency is not an ISO 4217 code: " + e.getCurrency();
        }
        if (e.getBuyerId().isBlank() || e.getSellerId().isBlank() || e.getBuyerId().equals(e.getSellerId())) {
            return "buyer and seller must be two different users";
        }
        try {
            OrderRecords.amounts(e).totalCents();
        } catch (ArithmeticException overflow) {
            return "amounts overflow";
        }
        return null;
    }

    private void ship(Record<String, OrderInput> record, OrderInput.Shipped shipped) {
        var e = shipped.event();
        var order = orders.get(record.key());
        var shipment = OrderRecords.shipment(e);
        if (order == null) {
            // The carrier's scan can overtake checkout's placement (two upstreams, two topics): the shipment
            // waits here for its order instead of being dead-lettered, and applies when the order is placed.
            if (earlyShipments.get(record.key()) == null) {
                earlyShipments.put(record.key(), shipment,
                        context.currentSystemTimeMs() + settings.earlyShipmentRetention().toMillis());
                counters.increment(context, "early_shipments_total");
            }
            return;
        }
        ship(record, order, shipment);
    }

    private void ship(Record<String, OrderInput> record, Order order, Shipment shipment) {
        switch (order.status()) {
            case SHIPPED -> {
                // already shipped: a later duplicate changes nothing
            }
            case CANCELLED -> save(record, order.scanAfterCancellation(shipment));
            case PLACED -> {
                var closesWindow = order.windowOpen();
                forgetDeadlines(order);
                save(record, order.shipped(shipment));
                if (closesWindow) {
                    closeWindow(record, order, WindowClosedCause.SHIPPED, shipment.shippedAt());
                }
            }
        }
    }

    private void cancel(Record<String, OrderInput> record, OrderInput.Cancel cancel) {
        var c = cancel.command();
        var order = orders.get(record.key());
        if (order == null) {
            deadLetter(record, DeadLetterHeaders.UNKNOWN_ORDER, "no order " + record.key());
            return;
        }
        var attemptKey = OrdersTopology.attemptKey(order.orderId(), c.getCommandId());
        if (attempts.get(attemptKey) != null) {
            return; // this command was decided already; its answer is on the topic and in the store
        }
        var request = OrderRecords.request(c, scope().source());
        var decision = policy.decide(order, request);
        var now = context.currentSystemTimeMs();
        var decided = order.decided(request, decision, now);
        if (decision.allowed()) {
            forgetDeadlines(order);
        }
        save(record, decided);
        attempts.put(attemptKey, Attempt.of(request, decision, now), now + settings.answerRetention().toMillis());
        var at = Instant.ofEpochMilli(now);
        switch (decision) {
            case Decision.Allowed allowed -> scope().emit(record, record.key(), Outbound.to(Topics.ORDER_CANCELLED, OrderCancelled.newBuilder()
                    .setOrderId(order.orderId()).setCommandId(c.getCommandId())
                    .setBuyerId(order.buyerId()).setSellerId(order.sellerId())
                    .setActor(c.getActor()).setActorId(c.getActorId()).setReason(c.getReason())
                    .setRefund(OrderRecords.refund(order.amounts()))
                    .setPlacedAt(Instant.ofEpochMilli(order.placedAt())).setCancelledAt(at)
                    .setReference(c.getReference()).setNote(blankToNull(c.getNote()))
                    .setTrackingNumber(order.shipment() == null ? null : order.shipment().trackingNumber())
                    .setCarrier(order.shipment() == null ? null : order.shipment().carrier())
                    .build()));
            case Decision.Refused refused -> scope().emit(record, record.key(), Outbound.to(Topics.CANCELLATION_REJECTED, CancellationRejected.newBuilder()
                    .setOrderId(order.orderId()).setCommandId(c.getCommandId())
                    .setActor(c.getActor()).setActorId(c.getActorId())
                    .setCode(OrderRecords.code(refused.code()))
                    .setDetail(refused.detail()).setTrackingNumber(refused.trackingNumber())
                    .setRejectedAt(at).setReference(c.getReference())
                    .build()));
        }
        var outcome = decision instanceof Decision.Refused r ? r.code().name() : "CANCELLED";
        counters.increment(context, "cancellations_total", "actor", c.getActor().name(), "reason", reasonTag(c.getReason()),
                "outcome", outcome);
        log.atInfo().addKeyValue("orderId", order.orderId()).addKeyValue("commandId", c.getCommandId())
                .addKeyValue("actor", c.getActor().name()).addKeyValue("outcome", outcome)
                .log("Cancellation of order {} by {} {}: {}", order.orderId(), c.getActor(), c.getActorId(), outcome);
    }

    private void comment(Record<String, OrderInput> record, BuyerCommentCommand c) {
        var order = orders.get(record.key());
        if (order == null) {
            deadLetter(record, DeadLetterHeaders.UNKNOWN_ORDER, "no order " + record.key());
            return;
        }
        // The HTTP answer checked the same rule on the same store; this re-check decides a race
        // between two comments, and the caller sees whose comment won.
        if (order.commentRefusal(c.getSellerId()) != null) {
            return;
        }
        save(record, order.commented(new SellerComment(c.getCommandId(), c.getSellerId(), c.getText(),
                c.getRequestedAt().toEpochMilli(), SourceOffset.of(context))));
        counters.increment(context, "buyer_comments_total");
    }

    /**
     * The reviews app's rating (rule 15): the record must be the order's (key, parties) and the order shipped, with 1 to
     * 5 stars; what is not is dead-lettered as it arrived, for the reviews team.
     */
    private void rate(Record<String, OrderInput> record, OrderRated e) {
        if (!e.getOrderId().equals(record.key())) {
            deadLetter(record, DeadLetters.INVALID, "record key " + record.key() + " differs from orderId " + e.getOrderId());
            return;
        }
        var ids = market.resale.platform.Ids.orderProblem(e.getOrderId(), e.getBuyerId(), e.getSellerId());
        if (ids != null || e.getRatingId() == null || e.getRatingId().isBlank() || !Rating.valid(e.getStars())) {
            deadLetter(record, DeadLetters.INVALID, ids != null ? ids : !Rating.valid(e.getStars())
                    ? "stars must be 1 to 5, not " + e.getStars() : "ratingId is blank");
            return;
        }
        var order = orders.get(record.key());
        if (order == null) {
            deadLetter(record, DeadLetterHeaders.UNKNOWN_ORDER, "no order " + record.key());
            return;
        }
        var problem = order.ratingProblem(e.getBuyerId(), e.getSellerId());
        if (problem != null) {
            deadLetter(record, DeadLetters.INVALID, problem);
            return;
        }
        var rated = order.rated(new Rating(e.getRatingId(), e.getStars(), e.getComment(), e.getRatedAt().toEpochMilli()));
        if (rated != order) {
            save(record, rated);
            counters.increment(context, "ratings_total", "stars", Integer.toString(e.getStars()));
        }
    }

    private void caseChanged(Record<String, OrderInput> record, CaseEvent e) {
        var entry = switch (e.getAction()) {
            case OPENED -> new TimelineEntry(TimelineEntry.CASE_OPENED, e.getAt().toEpochMilli(),
                    e.getType() + " " + e.getCaseId());
            case RESOLVED, REJECTED, CANCELLATION_CARRIED_OUT -> new TimelineEntry(TimelineEntry.CASE_RESOLVED,
                    e.getAt().toEpochMilli(), e.getType() + " " + e.getCaseId() + " " + e.getStatus());
            default -> null;
        };
        if (entry != null) {
            note(record, e.getOrderId(), entry);
        }
    }

    /** Another service's step on the order's timeline; for an order this service does not know, nothing to record. */
    private void note(Record<String, ?> record, String orderId, TimelineEntry entry) {
        var order = orders.get(orderId);
        if (order != null) {
            var noted = order.noted(entry);
            if (noted != order) {
                save(record, noted);
            }
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String reasonTag(CancelReason reason) {
        return reason == null ? CancelReason.OTHER.name() : reason.name();
    }


    /**
     * Wall-clock timer: runs the order deadlines that have passed, oldest first, at most a batch per tick: the buyer's
     * window closes (and its reminder before), the ship-by deadline passes (and the seller's reminder before). Each
     * applies only to an order still placed: shipping or a cancellation makes it moot.
     */
    void runDueDeadlines(long now) {
        for (var due : deadlines.takeDue(now, settings.expiryBatch())) {
            var bar = due.key().indexOf('|');
            var orderId = bar < 0 ? due.key() : due.key().substring(0, bar);
            var kind = bar < 0 ? "" : due.key().substring(bar);
            var order = orders.get(orderId);
            if (order == null || order.status() != OrderStatus.PLACED) {
                continue;
            }
            switch (kind) {
                case REMINDER_SUFFIX -> {
                    if (order.windowOpen()) {
                        scope().emit(orderId, Outbound.to(Topics.WINDOW_CLOSING,
                                CancellationWindowClosing.newBuilder().setOrderId(orderId).setBuyerId(order.buyerId())
                                        .setClosesAt(Instant.ofEpochMilli(order.windowClosesAt()))
                                        .setRemindedAt(Instant.ofEpochMilli(now)).build()), now);
                    }
                }
                case SHIP_BY_REMINDER_SUFFIX -> shipByDue(order, ShipByStage.REMINDER, now);
                case SHIP_BY_SUFFIX -> {
                    var record = new Record<String, OrderInput>(orderId, null, now);
                    save(record, order.shipByMissed(policy.shipBy(order)));
                    shipByDue(order, ShipByStage.PASSED, now);
                    counters.increment(context, "ship_by_missed_total");
                }
                default -> {
                    if (order.windowOpen()) {
                        var record = new Record<String, OrderInput>(orderId, null, now);
                        save(record, order.windowExpired(order.windowClosesAt()));
                        closeWindow(record, order, WindowClosedCause.EXPIRED, order.windowClosesAt());
                    }
                }
            }
        }
    }

    private void shipByDue(Order order, ShipByStage stage, long now) {
        scope().emit(order.orderId(), Outbound.to(Topics.SHIP_BY, ShipByDue.newBuilder().setOrderId(order.orderId())
                .setBuyerId(order.buyerId()).setSellerId(order.sellerId()).setStage(stage)
                .setShipBy(Instant.ofEpochMilli(policy.shipBy(order))).setAt(Instant.ofEpochMilli(now)).build()), now);
    }

    /** Wall-clock timer: forgets the answers kept longer than {@code answer-retention}, at most a batch per tick. */
    void forgetOldAnswers(long now) {
        attempts.forgetDue(now, settings.expiryBatch());
        // A shipment whose order never arrived (checkout lost it, or it was dead-lettered): forgotten, and counted.
        var lost = earlyShipments.forgetDue(now, settings.expiryBatch());
        if (lost > 0) {
            counters.increment(context, "early_shipments_expired_total", lost);
        }
    }

    private void closeWindow(Record<String, ?> record, Order order, WindowClosedCause cause, long at) {
        scope().emit(record, record.key(), Outbound.to(Topics.WINDOW_CLOSED, CancellationWindowClosed.newBuilder()
                .setOrderId(order.orderId()).setBuyerId(order.buyerId()).setCause(cause)
                .setClosedAt(Instant.ofEpochMilli(at)).build()));
        counters.increment(context, "window_closures_total", "cause", cause.name());
    }

    private void save(Record<String, ?> record, Order order) {
        orders.put(order.orderId(), order);
        context.forward(new Record<String, Object>(order.orderId(), order, record.timestamp(), record.headers()));
    }



    private void forgetDeadlines(Order order) {
        deadlines.remove(order.windowClosesAt(), order.orderId());
        deadlines.remove(order.windowClosesAt() - settings.windowReminder().toMillis(), order.orderId() + REMINDER_SUFFIX);
        if (order.shipBy() != null) {
            deadlines.remove(order.shipBy(), order.orderId() + SHIP_BY_SUFFIX);
            deadlines.remove(order.shipBy() - settings.shipByReminder().toMillis(), order.orderId() + SHIP_BY_REMINDER_SUFFIX);
        }
    }
}
