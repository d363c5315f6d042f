package market.resale.support.domain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What support knows about one order: its parties, its cases, which one of each type is open, and
 * the upstream signals (non-responsive episodes, conflicting scans) already turned into evidence.
 * All cases of an order are decided by one processor, so "one open case per order and type" is a
 * check on this record.
 *
 * @param placed   whether checkout's OrderPlaced was seen (parties may also come from messaging's event first)
 * @param sequence how many cases this order has had; the next case id uses sequence + 1
 */
public record OrderCases(String orderId, String buyerId, String sellerId, boolean placed, int sequence,
                         Map<CaseType, String> open, List<String> caseIds, Set<String> signals) {

    public OrderCases {
        open = Map.copyOf(open);
        caseIds = List.copyOf(caseIds);
        signals = Set.copyOf(signals);
    }

    public static OrderCases unknown(String orderId) {
        return new OrderCases(orderId, null, null, false, 0, Map.of(), List.of(), Set.of());
    }

    public boolean hasParties() {
        return buyerId != null && sellerId != null;
    }

    public boolean isParty(String userId, ActorRole role) {
        return switch (role) {
            case BUYER -> userId.equals(buyerId);
            case SELLER -> userId.equals(sellerId);
            case SUPPORT, SYSTEM -> false;
        };
    }

    /** checkout's parties win over those another service reported before the order was seen. */
    public OrderCases withParties(String buyer, String seller, boolean fromCheckout) {
        if (placed && !fromCheckout) {
            return this;
        }
        return new OrderCases(orderId, buyer, seller, placed || fromCheckout, sequence, open, caseIds, signals);
    }

    public String openCase(CaseType type) {
        return open.get(type);
    }

    public String nextCaseId(CaseType type) {
        return CaseIds.of(orderId, type, sequence + 1);
    }

    public OrderCases opened(CaseType type, String caseId) {
        var openNow = new HashMap<>(open);
        openNow.put(type, caseId);
        var all = new ArrayList<>(caseIds);
        all.add(caseId);
        return new OrderCases(orderId, buyerId, sellerId, placed, sequence + 1, openNow, all, signals);
    }

    public OrderCases closed(CaseType type, String caseId) {
        if (!caseId.equals(open.get(type))) {
            return this;
        }
        var openNow = new HashMap<>(open);
        openNow.remove(type);
        return new OrderCases(orderId, buyerId, sellerId, placed, sequence, openNow, caseIds, signals);
    }

    public boolean seen(String signal) {
        return signals.contains(signal);
    }

    public OrderCases withSignal(String signal) {
        var all = new HashSet<>(signals);
        all.add(signal);
        return new OrderCases(orderId, buyerId, sellerId, placed, sequence, open, caseIds, all);
    }
}
