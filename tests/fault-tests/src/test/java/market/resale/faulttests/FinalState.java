package market.resale.faulttests;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import market.resale.opstools.Reconciliation;
import tools.jackson.databind.JsonNode;

/**
 * The system's final state, read through its public APIs after a fault, held against what every client
 * was told ({@link Load#told()}) and against the topics ({@link Reconciliation.Report}). Every count is a
 * failure when it is not zero; {@code problems} names each case.
 *
 * <ul>
 *   <li><em>contradicted</em>: an answer that reported a decision which the final state does not hold;</li>
 *   <li><em>without outcome</em>: an accepted command (a 202 included) whose outcome cannot be found, or is still
 *   pending, after the system settled;</li>
 *   <li><em>duplicates</em>: a message twice in its conversation, a ledger credit twice for one order;</li>
 *   <li><em>off their events</em>: an order whose state its accepted commands do not justify;</li>
 *   <li><em>money</em>: per user, the balance the credits service shows differs from credits issued minus
 *   redemptions on the topics, or is below zero; a cancelled order without exactly one ledger credit of its total.</li>
 * </ul>
 */
final class FinalState {

    private final Load load;
    private final Reconciliation.Report report;
    final List<String> problems = new ArrayList<>();
    long answersChecked;
    long contradicted;
    long withoutOutcome;
    long duplicates;
    long offTheirEvents;
    long balancesChecked;
    long moneyProblems;

    private FinalState(Load load, Reconciliation.Report report) {
        this.load = load;
        this.report = report;
    }

    static FinalState check(Load load, Reconciliation.Report report) {
        var state = new FinalState(load, report);
        var cancelled = new HashMap<String, Long>(); // order → refund total, for the ledger check
        for (var order : load.orders()) {
            state.order(order, cancelled);
        }
        for (var told : load.told()) {
            state.answer(told);
        }
        state.money(cancelled);
        return state;
    }

    // ------------------------------------------------------------------------------------------ orders

    private void order(Load.Order order, Map<String, Long> cancelled) {
        var view = load.get("orders-service", "/orders/" + order.id, order.buyer);
        if (view.status() != 200) {
            withoutOutcome++;
            problems.add(order.id + ": placed but GET answers " + view.status());
            return;
        }
        var status = view.body().get("status").asString();
        var cancelledBy = cancellationOf(order);
        var expected = cancelledBy != null ? "CANCELLED" : order.scanned ? "SHIPPED" : "PLACED";
        if (!status.equals(expected)) {
            offTheirEvents++;
            problems.add(order.id + ": " + status + ", its accepted commands say " + expected
                    + (cancelledBy == null ? "" : " (" + cancelledBy + ")") + ", scanned " + order.scanned);
        }
        if (status.equals("CANCELLED")) {
            if (!"ISSUED_AS_STORE_CREDIT".equals(view.body().at("/refund/status").asString(null))) {
                offTheirEvents++;
                problems.add(order.id + ": cancelled, refund " + view.body().at("/refund/status").asString(null));
            }
            cancelled.put(order.id, view.body().at("/refund/amountCents").asLong(-1));
        }
        if (order.message != null) {
            message(order);
        }
    }

    /** Which accepted command of the order's journey cancelled it, as the final state of that command says; null: none. */
    private String cancellationOf(Load.Order order) {
        if (order.cancelCommandId != null) {
            var answer = load.get("orders-service", "/orders/" + order.id + "/cancellations/" + order.cancelCommandId, order.buyer);
            if (answer.status() != 200 || "PENDING".equals(answer.body().get("status").asString())) {
                withoutOutcome++;
                problems.add(order.id + ": accepted cancellation " + order.cancelCommandId + " has no outcome (" + answer.status() + ")");
            } else if ("CANCELLED".equals(answer.body().get("status").asString())) {
                return "the buyer's cancellation";
            }
        }
        if (order.requestId != null && order.sellerApproves()) {
            var request = load.get("messaging-service", "/orders/" + order.id + "/cancellation-requests/" + order.requestId, order.buyer);
            if (request.status() == 200 && "CANCELLED".equals(request.body().get("status").asString())) {
                return "the seller's approval";
            }
        }
        if (order.caseId != null && order.supportCancels()) {
            var kase = load.get("support-service", "/cases/" + order.caseId, Load.AGENT);
            if (kase.status() == 200 && "ORDER_CANCELLED".equals(kase.body().path("outcome").asString(null))) {
                return "support's outcome";
            }
        }
        return null;
    }

    private void message(Load.Order order) {
        var conversation = load.get("messaging-service", "/orders/" + order.id + "/conversation?size=100", order.buyer);
        long copies = 0;
        if (conversation.status() == 200) {
            for (var m : conversation.body().get("messages")) {
                if (order.message.equals(m.get("text").asString())) {
                    copies++;
                }
            }
        }
        if (copies == 0) {
            withoutOutcome++;
            problems.add(order.id + ": accepted message missing (" + conversation.status() + ")");
        } else if (copies > 1) {
            duplicates += copies - 1;
            problems.add(order.id + ": message " + copies + " times");
        }
    }

    // ----------------------------------------------------------------------------------------- answers

    /** One answer a client was given, against the final state of what it reported. */
    private void answer(Load.Told told) {
        answersChecked++;
        var order = told.order();
        var body = told.body();
        var kind = told.kind().replace(" (followed)", "");
        switch (kind) {
            case "cancel" -> {
                if (told.status() == 202) {
                    return; // pending: nothing promised (its outcome is checked with the order)
                }
                var commandId = order.buyer + ":" + told.key();
                var now = load.get("orders-service", "/orders/" + order.id + "/cancellations/" + commandId, order.buyer);
                var finalDecision = now.status() != 200 ? "no outcome (" + now.status() + ")" : decisionOf(now.body());
                var toldDecision = told.status() == 200 ? decisionOf(body)
                        : "REJECTED " + body.get("code").asString().toUpperCase().replace('-', '_');
                expect(told, toldDecision, finalDecision);
            }
            case "seller-request" -> {
                var requestId = body == null ? null : body.path("requestId").asString(null);
                if (told.status() == 409 || requestId == null) {
                    return;
                }
                var now = load.get("messaging-service", "/orders/" + order.id + "/cancellation-requests/" + requestId, order.buyer);
                expect(told, "the request exists", now.status() == 200 ? "the request exists" : "no request (" + now.status() + ")");
            }
            case "seller-approval", "seller-decline" -> {
                if (told.status() == 202 || order.requestId == null) {
                    return;
                }
                var now = load.get("messaging-service", "/orders/" + order.id + "/cancellation-requests/" + order.requestId,
                        order.buyer);
                var finalStatus = now.status() == 200 ? now.body().get("status").asString() : "no request (" + now.status() + ")";
                // A followed 202 answers DONE: the answer the seller sent was recorded.
                var answered = kind.equals("seller-approval") ? "APPROVED" : "DECLINED";
                var toldStatus = told.status() != 200 ? "refused " + body.path("code").asString()
                        : "DONE".equals(body.get("status").asString()) ? answered : body.get("status").asString();
                // An approval is the seller's answer; orders-service then cancels (CANCELLED) or refuses (REFUSED).
                // A refusal (the request was no longer pending: answered, or closed because the order shipped) holds
                // when the request did not end as the seller's refused answer would have made it.
                var holds = told.status() != 200 ? now.status() == 200 && !finalStatus.equals(answered)
                        : toldStatus.equals("APPROVED") ? List.of("APPROVED", "CANCELLED", "REFUSED").contains(finalStatus)
                        : toldStatus.equals(finalStatus);
                expect(told, toldStatus, holds ? toldStatus : finalStatus);
            }
            case "case-open", "case-statement", "case-assignment", "case-review", "case-resolution" -> caseAnswer(told, kind);
            case "redemption" -> {
                if (told.status() == 202) {
                    return;
                }
                var now = load.get("credits-service", "/accounts/" + order.buyer + "/redemptions/" + told.key(), order.buyer);
                expect(told, redemptionOf(told.status(), body), now.status() == 200 || now.status() == 409
                        ? redemptionOf(now.status(), now.body()) : "no outcome (" + now.status() + ")");
            }
            default -> answersChecked--; // a message: checked with its order (exactly once in the conversation)
        }
    }

    private void caseAnswer(Load.Told told, String kind) {
        var order = told.order();
        if (told.status() == 409 || order.caseId == null) {
            if (told.status() == 409) {
                contradicted++;
                problems.add(order.id + ": " + kind + " refused " + told.body());
            }
            return;
        }
        var kase = load.get("support-service", "/cases/" + order.caseId, Load.AGENT);
        if (kase.status() != 200) {
            expect(told, "case " + order.caseId, "no case (" + kase.status() + ")");
            return;
        }
        var now = kase.body();
        switch (kind) {
            case "case-statement" -> {
                var evidenceId = told.body() == null ? null : told.body().path("evidenceId").asString(null);
                if (evidenceId == null) {
                    return; // a followed 202 says DONE without the evidence's id: the statement is checked by its own answer
                }
                var found = false;
                for (var e : now.get("evidence")) {
                    found |= e.path("evidenceId").asString("").equals(evidenceId);
                }
                expect(told, "statement " + evidenceId, found || told.status() == 202 ? "statement " + evidenceId : "no such statement");
            }
            case "case-assignment" -> expect(told, "assigned to " + Load.AGENT, "assigned to " + now.path("assigneeId").asString(null));
            case "case-resolution" -> {
                var wanted = order.supportCancels() ? "RESOLVED ORDER_CANCELLED" : "RESOLVED RESOLVED_WITHOUT_CANCELLATION";
                expect(told, wanted, now.get("status").asString() + " " + now.path("outcome").asString(null));
            }
            default -> expect(told, "case " + order.caseId, "case " + now.get("caseId").asString());
        }
    }

    private static String decisionOf(JsonNode status) {
        var decided = status.get("status").asString();
        return decided.equals("REJECTED") ? decided + " " + status.get("reasonCode").asString() : decided;
    }

    private static String redemptionOf(int status, JsonNode body) {
        return status == 200 ? body.get("status").asString() + " " + body.get("amountCents").asLong()
                : "REFUSED " + body.path("code").asString();
    }

    private void expect(Load.Told told, String toldState, String finalState) {
        if (finalState.startsWith("no ")) {
            withoutOutcome++;
        }
        if (!toldState.equals(finalState)) {
            contradicted++;
            problems.add(told.order().id + ": " + told.kind() + " (" + told.status() + ") told " + toldState + ", in the end "
                    + finalState);
        }
    }

    // ------------------------------------------------------------------------------------------- money

    /**
     * Per buyer: the balance credits-service shows = credits issued − redemptions on the topics, ≥ 0; per cancelled
     * order of the load: exactly one ledger credit, of its refund's total.
     */
    private void money(Map<String, Long> cancelled) {
        var creditsByOrder = new HashMap<String, List<Long>>();
        for (var buyer : load.buyers()) {
            balancesChecked++;
            var account = load.get("credits-service", "/accounts/" + buyer, buyer);
            long shown = 0;
            if (account.status() != 200) {
                moneyProblems++;
                problems.add(buyer + ": balance answers " + account.status());
                continue;
            }
            for (var b : account.body().get("balances")) {
                if ("USD".equals(b.get("currency").asString())) {
                    shown = b.get("amountCents").asLong();
                }
            }
            var fromTopics = report.balances().getOrDefault(buyer + " USD", 0L);
            if (shown != fromTopics || shown < 0) {
                moneyProblems++;
                problems.add(buyer + ": balance " + shown + ", credits issued − redemptions on the topics " + fromTopics);
            }
            for (int page = 0; ; page++) {
                var ledger = load.get("credits-service", "/accounts/" + buyer + "/ledger?size=200&page=" + page, buyer);
                if (ledger.status() != 200) {
                    moneyProblems++;
                    problems.add(buyer + ": ledger answers " + ledger.status());
                    break;
                }
                for (var e : ledger.body().get("entries")) {
                    if ("CREDIT".equals(e.get("type").asString())) {
                        creditsByOrder.computeIfAbsent(e.get("orderId").asString(), k -> new ArrayList<>()).add(e.get("amountCents").asLong());
                    }
                }
                if (!ledger.body().get("hasMore").asBoolean()) {
                    break;
                }
            }
        }
        cancelled.forEach((orderId, total) -> {
            var credits = creditsByOrder.getOrDefault(orderId, List.of());
            if (credits.size() != 1 || credits.get(0) != (long) total) {
                if (credits.size() > 1) {
                    duplicates += credits.size() - 1;
                }
                moneyProblems++;
                problems.add(orderId + ": cancelled, refund " + total + ", ledger credits " + credits);
            }
        });
    }
}
