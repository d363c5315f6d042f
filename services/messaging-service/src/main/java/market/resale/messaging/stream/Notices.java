package market.resale.messaging.stream;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import market.resale.messaging.domain.CancellationRequest;
import market.resale.messaging.domain.Ids;
import market.resale.messaging.domain.Message;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.NotificationKind;
import market.resale.schemas.orders.CancellationWindowClosed;
import market.resale.schemas.orders.CancellationWindowClosing;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.orders.ShipByDue;
import market.resale.schemas.orders.WindowClosedCause;
import market.resale.schemas.support.CaseAction;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.support.CaseEvent;

/**
 * The notifications each cause gives, one per recipient. Each id is derived from the cause and the
 * recipient, and each time from the cause's own time, so a redelivered cause yields the same record
 * and the inbox keeps it once.
 */
final class Notices {

    private static final int PREVIEW = 140;

    private Notices() {
    }

    static Notification newMessage(Message message, String recipient) {
        return notice(Ids.notificationId("message", message.messageId(), recipient), recipient, NotificationKind.NEW_MESSAGE,
                message.orderId(), "New message about order " + message.orderId(), preview(message.text()), message.sentAt());
    }

    static Notification requestReceived(CancellationRequest request, String sellerId, long at) {
        return notice(Ids.notificationId("request-received", request.requestId(), sellerId), sellerId,
                NotificationKind.CANCELLATION_REQUEST_RECEIVED, request.orderId(),
                "The buyer asks you to cancel order " + request.orderId(),
                "Reason: " + request.reason() + (blank(request.note()) ? "" : ". \"" + preview(request.note()) + "\"")
                        + ". Approve or decline it in the conversation.", at);
    }

    static Notification requestApproved(CancellationRequest request, String buyerId, long at) {
        return notice(Ids.notificationId("request-approved", request.requestId(), buyerId), buyerId,
                NotificationKind.CANCELLATION_REQUEST_APPROVED, request.orderId(),
                "The seller approved your cancellation request",
                "Order " + request.orderId() + " is being cancelled; you will be told once it is done.", at);
    }

    static Notification requestDeclined(CancellationRequest request, String buyerId, String note, long at) {
        return notice(Ids.notificationId("request-declined", request.requestId(), buyerId), buyerId,
                NotificationKind.CANCELLATION_REQUEST_DECLINED, request.orderId(),
                "The seller declined your cancellation request",
                "Order " + request.orderId() + " stays as it was." + (blank(note) ? "" : " The seller wrote: \"" + preview(note) + "\""),
                at);
    }

    static Notification requestClosed(CancellationRequest request, String recipient, boolean toBuyer, long at) {
        return notice(Ids.notificationId("request-closed", request.requestId(), recipient), recipient,
                NotificationKind.CANCELLATION_REQUEST_CLOSED, request.orderId(),
                toBuyer ? "Your cancellation request for order " + request.orderId() + " is closed: the order shipped"
                        : "The buyer's cancellation request for order " + request.orderId() + " is closed: the order shipped",
                toBuyer ? request.outcomeDetail()
                        : "You shipped it before answering the request" + (request.trackingNumber() == null ? ""
                        : " (tracking " + request.trackingNumber() + ")") + "; nothing more to answer. The buyer may start a "
                        + "return once it is delivered.", at);
    }

    /**
     * Each party hears what the cancellation means for them: who cancelled and why, what the other party wrote, the
     * refund, and, when the parcel had already left (only support cancels then), that it comes back and how.
     */
    static Notification cancellationConfirmed(OrderCancelled cancelled, String recipient) {
        var refund = cancelled.getRefund();
        var toBuyer = recipient.equals(cancelled.getBuyerId());
        var shipped = cancelled.getTrackingNumber() != null;
        var parcel = shipped ? (cancelled.getCarrier() == null ? "" : cancelled.getCarrier() + " ") + "tracking "
                + cancelled.getTrackingNumber() : null;
        var body = new StringBuilder(byWhom(cancelled, toBuyer));
        var fromOther = switch (cancelled.getActor()) {
            case BUYER -> !toBuyer;
            case SELLER -> toBuyer;
            default -> false;
        };
        if (fromOther && !blank(cancelled.getNote())) {
            body.append(" ").append(toBuyer ? "The seller" : "The buyer").append(" wrote: \"")
                    .append(preview(cancelled.getNote())).append("\"");
        }
        body.append(" ");
        if (toBuyer) {
            body.append(refund.getTotalCents() == 0 ? "The order cost you nothing, so there is nothing to refund."
                    : money(refund.getTotalCents(), refund.getCurrency()) + " is refunded to you as store credit.");
            if (shipped) {
                body.append(" The parcel (").append(parcel).append(") had already left the seller: it goes back to them. "
                        + "Refuse it at delivery, or if it reaches you, keep it unopened and send it back as the help-center "
                        + "case tells you. Your credit stays yours.");
            }
        } else {
            body.append("The buyer is refunded as store credit.");
            body.append(shipped ? " The parcel (" + parcel + ") had already left you: it comes back to you, returned by the "
                    + "carrier or by the buyer as the help-center case arranges. You are told when it is scanned back."
                    : " Do not ship it: any label created for it is voided.");
        }
        return builder(Ids.notificationId("order-cancelled", cancelled.getOrderId(), cancelled.getCommandId(), recipient),
                recipient, NotificationKind.CANCELLATION_CONFIRMED, cancelled.getOrderId(),
                "Order " + cancelled.getOrderId() + " is cancelled", body.toString(), cancelled.getCancelledAt().toEpochMilli())
                .setAmountCents(refund.getTotalCents()).setCurrency(refund.getCurrency()).build();
    }

    private static String byWhom(OrderCancelled cancelled, boolean toBuyer) {
        var reason = cancelled.getReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return switch (cancelled.getActor()) {
            case BUYER -> (toBuyer ? "You cancelled it" : "The buyer cancelled it") + " (" + reason + ").";
            case SELLER -> (toBuyer ? "The seller cancelled it" : "You cancelled it") + " (" + reason + ").";
            case SELLER_APPROVED -> toBuyer ? "The seller approved your cancellation request." : "You approved the buyer's "
                    + "cancellation request.";
            case SUPPORT -> "Support cancelled it as the outcome of a help-center case (" + reason + ").";
        };
    }

    static Notification cancellationRefused(String orderId, String commandId, String recipient, String detail,
                                            String trackingNumber, Instant at) {
        var body = sentence(detail) + (trackingNumber == null || detail.contains(trackingNumber) ? ""
                : " Tracking number: " + trackingNumber + ".");
        return notice(Ids.notificationId("cancellation-refused", orderId, commandId, recipient), recipient,
                NotificationKind.CANCELLATION_REFUSED, orderId, "Order " + orderId + " could not be cancelled", body,
                at.toEpochMilli());
    }

    static Notification creditIssued(CreditIssued credit) {
        var nothing = credit.getAmountCents() == 0;
        return builder(Ids.notificationId("credit-issued", credit.getEntryId(), credit.getUserId()), credit.getUserId(),
                NotificationKind.CREDIT_ISSUED, credit.getOrderId(),
                nothing ? "Nothing to refund for order " + credit.getOrderId()
                        : money(credit.getAmountCents(), credit.getCurrency()) + " store credit issued",
                nothing ? "Cancelled order " + credit.getOrderId() + " cost you nothing, so no credit is added. Your balance "
                        + "stays " + money(credit.getBalanceAfterCents(), credit.getCurrency()) + "."
                        : "For cancelled order " + credit.getOrderId() + ". Your balance is now "
                        + money(credit.getBalanceAfterCents(), credit.getCurrency()) + "; it applies to your next purchase.",
                credit.getIssuedAt().toEpochMilli())
                .setAmountCents(credit.getAmountCents()).setCurrency(credit.getCurrency()).build();
    }

    static Notification windowClosing(CancellationWindowClosing closing) {
        return notice(Ids.notificationId("window-closing", closing.getOrderId(), closing.getBuyerId()), closing.getBuyerId(),
                NotificationKind.WINDOW_CLOSING, closing.getOrderId(),
                "Last chance to cancel order " + closing.getOrderId() + " yourself",
                "You can cancel it yourself until " + closing.getClosesAt() + "; after that, only the seller can.",
                closing.getRemindedAt().toEpochMilli());
    }

    static Notification windowClosed(CancellationWindowClosed closed) {
        var body = closed.getCause() == WindowClosedCause.SHIPPED
                ? "The order has shipped, so it can no longer be cancelled."
                : "You can no longer cancel it yourself; you can still ask the seller to cancel it until it ships.";
        return notice(Ids.notificationId("window-closed", closed.getOrderId(), closed.getBuyerId()), closed.getBuyerId(),
                NotificationKind.WINDOW_CLOSED, closed.getOrderId(),
                "Your cancellation window for order " + closed.getOrderId() + " has closed", body,
                closed.getClosedAt().toEpochMilli());
    }

    /**
     * Rule 13: the seller is reminded a day before the ship-by deadline; once it passed unshipped, the buyer hears they
     * may cancel without asking, and the seller that the buyer may.
     */
    static List<Notification> shipBy(ShipByDue due) {
        var id = due.getOrderId();
        var at = due.getAt().toEpochMilli();
        return switch (due.getStage()) {
            case REMINDER -> List.of(notice(Ids.notificationId("ship-by-reminder", id, due.getSellerId()), due.getSellerId(),
                    NotificationKind.SHIP_BY_REMINDER, id, "Ship order " + id + " by " + due.getShipBy(),
                    "If it has not shipped by then, the buyer may cancel it without asking you, and the cancellation "
                            + "counts against your seller record.", at));
            case PASSED -> List.of(
                    notice(Ids.notificationId("ship-by-passed", id, due.getBuyerId()), due.getBuyerId(),
                            NotificationKind.SHIP_BY_PASSED, id, "Order " + id + " has not shipped in time",
                            "The seller was to ship it by " + due.getShipBy() + ". You may cancel it now (reason "
                                    + "SELLER_DID_NOT_SHIP) for a full refund as store credit; it does not count on your record.",
                            at),
                    notice(Ids.notificationId("ship-by-passed", id, due.getSellerId()), due.getSellerId(),
                            NotificationKind.SHIP_BY_PASSED, id, "Order " + id + " missed its ship-by deadline",
                            "It was to ship by " + due.getShipBy() + ". The buyer may now cancel it without asking you; "
                                    + "ship it at once if you still can.", at));
            default -> List.of();
        };
    }

    /** Both parties hear of every step of a case about their order. */
    static List<Notification> caseEvent(CaseEvent event) {
        // A case resolved by a cancellation ends with CANCELLATION_CARRIED_OUT (status RESOLVED), not RESOLVED.
        var kind = event.getAction() == CaseAction.OPENED ? NotificationKind.CASE_OPENED
                : event.getStatus() == CaseStatus.RESOLVED || event.getStatus() == CaseStatus.REJECTED
                        ? NotificationKind.CASE_RESOLVED
                        : NotificationKind.CASE_UPDATED;
        var title = switch (kind) {
            case CASE_OPENED -> "A help-center case was opened about order " + event.getOrderId();
            case CASE_RESOLVED -> "The help-center case about order " + event.getOrderId()
                    + (event.getAction() == CaseAction.REJECTED ? " was rejected" : " is resolved");
            default -> "The help-center case about order " + event.getOrderId() + " was updated";
        };
        var notices = new ArrayList<Notification>();
        for (var recipient : List.of(event.getBuyerId(), event.getSellerId())) {
            if (blank(recipient) || notices.stream().anyMatch(n -> n.getUserId().equals(recipient))) {
                continue;
            }
            notices.add(builder(Ids.notificationId("case", event.getEventId(), recipient), recipient, kind, event.getOrderId(),
                    title, event.getSummary(), event.getAt().toEpochMilli()).setCaseId(event.getCaseId()).build());
        }
        return notices;
    }

    private static Notification notice(String id, String userId, NotificationKind kind, String orderId, String title,
                                       String body, long at) {
        return builder(id, userId, kind, orderId, title, body, at).build();
    }

    private static Notification.Builder builder(String id, String userId, NotificationKind kind, String orderId, String title,
                                                String body, long at) {
        return Notification.newBuilder().setNotificationId(id).setUserId(userId).setKind(kind).setOrderId(orderId)
                .setTitle(title).setBody(body).setCreatedAt(Instant.ofEpochMilli(at));
    }

    static String money(long minorUnits, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException | NullPointerException unknown) {
            digits = 2;
        }
        return BigDecimal.valueOf(minorUnits, digits).toPlainString() + " " + currency;
    }

    private static String preview(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= PREVIEW ? text : text.substring(0, PREVIEW - 1) + "…";
    }

    private static String sentence(String text) {
        var trimmed = text == null ? "" : text.strip();
        return trimmed.isEmpty() || trimmed.endsWith(".") ? trimmed : trimmed + ".";
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
