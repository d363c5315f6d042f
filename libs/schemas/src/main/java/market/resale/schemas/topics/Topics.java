package market.resale.schemas.topics;

import java.util.List;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.credits.CreditRedeemed;
import market.resale.schemas.credits.RedeemCredit;
import market.resale.schemas.credits.RedemptionRejected;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.orders.BuyerCommentCommand;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancellationRejected;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.CancellationWindowClosing;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.ShipByDue;
import market.resale.schemas.reviews.OrderRated;
import market.resale.schemas.shipping.LabelVoided;
import market.resale.schemas.shipping.OrderShipped;
import market.resale.schemas.shipping.ScanConflict;
import market.resale.schemas.support.CaseEvent;

/**
 * Every topic of the system, declared once. Services refer to these constants and never spell a
 * topic name. Topics keyed by {@code orderId} share one partition count so that a service can
 * process them together (co-partitioned) and decide everything about one order in one place.
 */
public final class Topics {

    /** Partitions of every topic keyed by order or user: the most instances any service can use. */
    public static final int PARTITIONS = 6;

    // Upstream contract (docs/contract.md): keyed by orderId.
    public static final Topic<OrderPlaced> ORDER_PLACED =
            new Topic<>("checkout.order-placed", OrderPlaced.class, PARTITIONS, false);
    public static final Topic<CarrierScan> CARRIER_SCANS =
            new Topic<>("carrier.scans", CarrierScan.class, PARTITIONS, false);
    /** The reviews app's ratings (a later contract addition, rule 15). */
    public static final Topic<OrderRated> ORDER_RATED =
            new Topic<>("reviews.order-rated", OrderRated.class, PARTITIONS, false);

    // orders-service, keyed by orderId.
    public static final Topic<CancelOrderCommand> CANCEL_COMMANDS =
            new Topic<>("orders.cancel-commands", CancelOrderCommand.class, PARTITIONS, false);
    public static final Topic<OrderCancelled> ORDER_CANCELLED =
            new Topic<>("orders.order-cancelled", OrderCancelled.class, PARTITIONS, false);
    public static final Topic<CancellationRejected> CANCELLATION_REJECTED =
            new Topic<>("orders.cancellation-rejected", CancellationRejected.class, PARTITIONS, false);
    public static final Topic<CancellationWindowClosed> WINDOW_CLOSED =
            new Topic<>("orders.window-closed", CancellationWindowClosed.class, PARTITIONS, false);
    public static final Topic<CancellationWindowClosing> WINDOW_CLOSING =
            new Topic<>("orders.window-closing", CancellationWindowClosing.class, PARTITIONS, false);
    public static final Topic<ShipByDue> SHIP_BY =
            new Topic<>("orders.ship-by", ShipByDue.class, PARTITIONS, false);
    public static final Topic<BuyerCommentCommand> BUYER_COMMENT_COMMANDS =
            new Topic<>("orders.buyer-comment-commands", BuyerCommentCommand.class, PARTITIONS, false);

    // shipping-service, keyed by orderId.
    public static final Topic<OrderShipped> ORDER_SHIPPED =
            new Topic<>("shipping.order-shipped", OrderShipped.class, PARTITIONS, false);
    public static final Topic<LabelVoided> LABEL_VOIDED =
            new Topic<>("shipping.label-voided", LabelVoided.class, PARTITIONS, false);
    public static final Topic<ScanConflict> SCAN_CONFLICTS =
            new Topic<>("shipping.scan-conflicts", ScanConflict.class, PARTITIONS, false);

    // credits-service, keyed by userId.
    public static final Topic<RedeemCredit> REDEMPTION_REQUESTS =
            new Topic<>("credits.redemption-requests", RedeemCredit.class, PARTITIONS, false);
    public static final Topic<CreditIssued> CREDIT_ISSUED =
            new Topic<>("credits.credit-issued", CreditIssued.class, PARTITIONS, false);
    public static final Topic<CreditRedeemed> CREDIT_REDEEMED =
            new Topic<>("credits.credit-redeemed", CreditRedeemed.class, PARTITIONS, false);
    public static final Topic<RedemptionRejected> REDEMPTION_REJECTED =
            new Topic<>("credits.redemption-rejected", RedemptionRejected.class, PARTITIONS, false);

    // messaging-service. Conversation entries and non-responsive episodes keyed by orderId,
    // notifications keyed by the userId whose inbox they go to.
    public static final Topic<ConversationMessage> CONVERSATION_MESSAGES =
            new Topic<>("messaging.conversation-messages", ConversationMessage.class, PARTITIONS, false);
    public static final Topic<SellerNonResponsive> SELLER_NON_RESPONSIVE =
            new Topic<>("messaging.seller-non-responsive", SellerNonResponsive.class, PARTITIONS, false);
    public static final Topic<Notification> NOTIFICATIONS =
            new Topic<>("messaging.notifications", Notification.class, PARTITIONS, false);
    // messaging-service internal topics (begin)
    // Commands accepted over HTTP: conversation writes keyed by orderId, inbox read marks keyed by userId.
    public static final Topic<market.resale.schemas.messaging.ConversationCommand> CONVERSATION_COMMANDS =
            new Topic<>("messaging.conversation-commands", market.resale.schemas.messaging.ConversationCommand.class, PARTITIONS, false);
    public static final Topic<market.resale.schemas.messaging.InboxCommand> INBOX_COMMANDS =
            new Topic<>("messaging.inbox-commands", market.resale.schemas.messaging.InboxCommand.class, PARTITIONS, false);
    // messaging-service internal topics (end)

    // support-service, keyed by orderId.
    public static final Topic<CaseEvent> CASE_EVENTS =
            new Topic<>("support.case-events", CaseEvent.class, PARTITIONS, false);
    // support-service internal topics (begin)
    /** Largest record on support's file-carrying topics: an attached file (at most 8 MiB) plus its command. */
    public static final int SUPPORT_MAX_RECORD_BYTES = 10 * 1024 * 1024;
    // HTTP writes to a case, keyed by orderId; an attached file travels in its command.
    public static final Topic<market.resale.schemas.support.CaseCommand> CASE_COMMANDS =
            new Topic<>("support.case-commands", market.resale.schemas.support.CaseCommand.class, PARTITIONS, false,
                    java.util.Map.of("max.message.bytes", Integer.toString(SUPPORT_MAX_RECORD_BYTES)));
    // The latest summary of every case, keyed by caseId: the global table agents list cases from.
    public static final Topic<market.resale.schemas.support.CaseSummary> CASE_SUMMARIES =
            new Topic<>("support.case-summaries", market.resale.schemas.support.CaseSummary.class, PARTITIONS, true);
    // support-service internal topics (end)

    // ops-tools: one audit record per dead letter replayed by `redrive`, keyed by <dead-letter topic>/<partition>/<offset>; kept.
    public static final Topic<market.resale.schemas.ops.RedriveAudit> REDRIVE_AUDIT =
            new Topic<>("ops.redrive-audit", market.resale.schemas.ops.RedriveAudit.class, 1, false,
                    java.util.Map.of("retention.ms", "-1"));

    public static final List<Topic<?>> ALL = List.of(
            ORDER_PLACED, CARRIER_SCANS, ORDER_RATED,
            CANCEL_COMMANDS, ORDER_CANCELLED, CANCELLATION_REJECTED, WINDOW_CLOSED, WINDOW_CLOSING, SHIP_BY, BUYER_COMMENT_COMMANDS,
            ORDER_SHIPPED, LABEL_VOIDED, SCAN_CONFLICTS,
            REDEMPTION_REQUESTS, CREDIT_ISSUED, CREDIT_REDEEMED, REDEMPTION_REJECTED,
            CONVERSATION_MESSAGES, SELLER_NON_RESPONSIVE, NOTIFICATIONS,
            // messaging-service internal topics in ALL (begin)
            CONVERSATION_COMMANDS, INBOX_COMMANDS,
            // messaging-service internal topics in ALL (end)
            CASE_EVENTS
            // support-service internal topics in ALL (begin)
            , CASE_COMMANDS, CASE_SUMMARIES
            // support-service internal topics in ALL (end)
            , REDRIVE_AUDIT
    );

    /**
     * The topics this project writes, whose writer schemas the deploy step registers ({@code ops-tools register-schemas})
     * and a service started with {@code auto.register.schemas=false} checks: every topic but {@code checkout.order-placed}
     * and {@code reviews.order-rated}, which only checkout and the reviews app write (their subjects are theirs).
     * {@code carrier.scans} is in: shipping-service writes the scans carriers post over HTTP.
     */
    public static List<Topic<?>> written() {
        return ALL.stream().filter(t -> t != ORDER_PLACED && t != ORDER_RATED).toList();
    }

    /** The upstream contract's topics (docs/contract.md): their subjects are the upstream apps', who register their own schemas. */
    public static List<Topic<?>> contract() {
        return List.of(ORDER_PLACED, CARRIER_SCANS, ORDER_RATED);
    }

    /** Application ids of the services; each has one dead-letter topic, {@code <application-id>.dlt}. */
    public static final List<String> APPLICATIONS = List.of("orders-service", "shipping-service", "credits-service",
            "messaging-service", "support-service");

    /** How a topic is created: what deployments (Strimzi, compose, the local provisioner) must agree on. */
    public record Spec(String name, int partitions, boolean compacted, java.util.Map<String, String> configs) {
    }

    /**
     * Every topic to create, dead-letter topics included. A dead letter is its source record byte for
     * byte, so dead-letter topics take the largest {@code max.message.bytes} of the catalogue.
     */
    public static List<Spec> specs() {
        var specs = new java.util.ArrayList<Spec>();
        ALL.forEach(t -> specs.add(new Spec(t.name(), t.partitions(), t.compacted(), t.configs())));
        var largest = ALL.stream().map(t -> t.configs().get("max.message.bytes")).filter(java.util.Objects::nonNull)
                .max(java.util.Comparator.comparingLong(Long::parseLong))
                .map(max -> java.util.Map.of("max.message.bytes", max)).orElse(java.util.Map.of());
        APPLICATIONS.forEach(a -> specs.add(new Spec(Topic.deadLetterTopic(a), 1, false, largest)));
        return List.copyOf(specs);
    }

    /** Every topic name to create, dead-letter topics included. */
    public static List<String> allNames() {
        var names = new java.util.ArrayList<String>();
        ALL.forEach(t -> names.add(t.name()));
        APPLICATIONS.forEach(a -> names.add(Topic.deadLetterTopic(a)));
        return List.copyOf(names);
    }

    private Topics() {
    }
}
