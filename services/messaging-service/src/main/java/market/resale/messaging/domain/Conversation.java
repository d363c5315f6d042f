package market.resale.messaging.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What messaging knows about one order: its parties (from checkout), what orders-service and
 * shipping said about it (window expired, shipped, cancelled), its cancellation requests, and the
 * buyer entries the seller has not answered yet. Messages themselves are kept apart (one per seq).
 *
 * <p>This record is one value in a changelogged store, so it must stay small however long a
 * conversation runs: the unanswered entries are counted ({@code unansweredCount}) and only the first
 * few are kept as quotes ({@code unanswered}, at most what {@link #appended} is told); requests are
 * bounded by the caller (see {@code max-requests-per-order}).
 *
 * <p>Events about an order may arrive before its placement (they come from other topics); the
 * conversation then exists without parties until the placement fills them in.
 */
public record Conversation(String orderId, String buyerId, String sellerId, long lastSeq, boolean windowClosed,
                           boolean windowExpired, boolean shipped, String trackingNumber, boolean cancelled,
                           Map<String, CancellationRequest> requests, List<Message> unanswered, Integer unansweredCount,
                           Episode episode) {

    public Conversation {
        requests = requests == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requests));
        unanswered = unanswered == null ? List.of() : List.copyOf(unanswered);
        // A value written before the count existed has only the list (hence a boxed count: it may be absent).
        unansweredCount = Math.max(unansweredCount == null ? 0 : unansweredCount, unanswered.size());
    }

    public static Conversation start(String orderId) {
        return new Conversation(orderId, null, null, 0, false, false, false, null, false, Map.of(), List.of(), 0, null);
    }

    /** The placement has been seen: the parties are known and they may write. */
    public boolean known() {
        return buyerId != null && sellerId != null;
    }

    /** The party {@code userId} is in this order, or null. */
    public Party partyOf(String userId) {
        if (!known() || userId == null) {
            return null;
        }
        return userId.equals(buyerId) ? Party.BUYER : userId.equals(sellerId) ? Party.SELLER : null;
    }

    public Conversation placed(String buyer, String seller) {
        return withParties(buyer, seller);
    }

    /** The buyer's own window closed: it {@code expired} (they may now ask the seller), or the order shipped. */
    public Conversation windowClosedNow(boolean expired) {
        return withWindow(true, windowExpired || expired).withShipped(shipped || !expired, trackingNumber);
    }

    public Conversation shippedWith(String tracking) {
        return withShipped(true, tracking == null ? trackingNumber : tracking);
    }

    /**
     * Shipped: requests still waiting for the seller end (the order can no longer be cancelled by them); one the seller
     * approved stays open until orders-service answers it.
     */
    public Conversation shippedNow(String tracking, long now) {
        var settled = new LinkedHashMap<String, CancellationRequest>();
        requests.forEach((id, r) -> settled.put(id, r.status() == RequestStatus.PENDING ? r.closedByShipping(tracking, now) : r));
        return shippedWith(tracking).withRequests(settled);
    }

    /** The requests that wait for the seller. */
    public List<CancellationRequest> pendingRequests() {
        return requests.values().stream().filter(r -> r.status() == RequestStatus.PENDING).toList();
    }

    /** The seller was reported non-responsive: the requests waiting for them show it. */
    public Conversation escalated(String episodeId, long now) {
        var next = new LinkedHashMap<String, CancellationRequest>();
        requests.forEach((id, r) -> next.put(id, r.status() == RequestStatus.PENDING && r.escalatedAt() == null
                ? r.escalated(episodeId, now) : r));
        return withRequests(next);
    }

    /** Cancelled: nothing is awaited from the seller any more, and open requests are settled. */
    public Conversation cancelledNow(String detail, long now) {
        var settled = new LinkedHashMap<String, CancellationRequest>();
        requests.forEach((id, r) -> settled.put(id, r.status().open() ? r.cancelled(detail, now) : r));
        return withCancelled().withRequests(settled).withAwaiting(List.of(), 0, null);
    }

    public Conversation with(CancellationRequest request) {
        var next = new LinkedHashMap<>(requests);
        next.put(request.requestId(), request);
        return withRequests(next);
    }

    public Conversation withEpisode(Episode next) {
        return withAwaiting(unanswered, unansweredCount, next);
    }

    /** The next entry of this conversation, numbered after the last one. */
    public Message next(String senderId, Party role, EntryKind kind, String text, String reason, String requestId, long now) {
        var seq = lastSeq + 1;
        return new Message(Ids.messageId(orderId, seq), orderId, seq, senderId, role, kind, text, reason, requestId, now);
    }

    /**
     * The conversation with {@code message} appended. A buyer's message or request joins the entries
     * awaiting the seller (and starts an episode if none is running); any seller entry answers them all.
     * Every waiting entry is counted, but only the first {@code quoted} are kept (as the quotes of the
     * episode): a buyer writing on and on to a silent seller does not grow this record.
     */
    public Conversation appended(Message message, int quoted) {
        var waiting = unanswered;
        int count = unansweredCount;
        var current = episode;
        if (message.senderRole() == Party.BUYER && message.kind().awaitsSeller() && !cancelled) {
            count++;
            if (unanswered.size() < quoted) {
                var more = new ArrayList<>(unanswered);
                more.add(message);
                waiting = more;
            }
            current = episode == null ? Episode.start(message) : episode;
        } else if (message.senderRole() == Party.SELLER) {
            waiting = List.of();
            count = 0;
            current = null;
        }
        return withLastSeq(message.seq()).withAwaiting(waiting, count, current);
    }

    // ------------------------------------------------------------------ with… (the only places a conversation is copied)

    private Conversation withParties(String buyer, String seller) {
        return new Conversation(orderId, buyer, seller, lastSeq, windowClosed, windowExpired, shipped, trackingNumber,
                cancelled, requests, unanswered, unansweredCount, episode);
    }

    private Conversation withWindow(boolean closed, boolean expired) {
        return new Conversation(orderId, buyerId, sellerId, lastSeq, closed, expired, shipped, trackingNumber,
                cancelled, requests, unanswered, unansweredCount, episode);
    }

    private Conversation withShipped(boolean isShipped, String tracking) {
        return new Conversation(orderId, buyerId, sellerId, lastSeq, windowClosed, windowExpired, isShipped, tracking,
                cancelled, requests, unanswered, unansweredCount, episode);
    }

    private Conversation withCancelled() {
        return new Conversation(orderId, buyerId, sellerId, lastSeq, windowClosed, windowExpired, shipped, trackingNumber,
                true, requests, unanswered, unansweredCount, episode);
    }

    private Conversation withRequests(Map<String, CancellationRequest> next) {
        return new Conversation(orderId, buyerId, sellerId, lastSeq, windowClosed, windowExpired, shipped, trackingNumber,
                cancelled, next, unanswered, unansweredCount, episode);
    }

    private Conversation withLastSeq(long seq) {
        return new Conversation(orderId, buyerId, sellerId, seq, windowClosed, windowExpired, shipped, trackingNumber,
                cancelled, requests, unanswered, unansweredCount, episode);
    }

    /** The entries awaiting the seller (the first kept as quotes), how many there are, and the episode they make. */
    private Conversation withAwaiting(List<Message> waiting, int count, Episode current) {
        return new Conversation(orderId, buyerId, sellerId, lastSeq, windowClosed, windowExpired, shipped, trackingNumber,
                cancelled, requests, waiting, count, current);
    }

    public Optional<CancellationRequest> openRequest() {
        return requests.values().stream().filter(r -> r.status().open())
                .max(Comparator.comparingLong(CancellationRequest::requestedAt));
    }

    /**
     * May {@code actorId} ask the seller to cancel now? Only the buyer, only outside their own window
     * (inside it they cancel themselves), only before shipping or cancellation, one request at a time.
     */
    public Decision mayRequestCancellation(String actorId) {
        return mayRequestCancellation(actorId, Integer.MAX_VALUE);
    }

    /** As {@link #mayRequestCancellation(String)}, and at most {@code maxRequests} requests per order. */
    public Decision mayRequestCancellation(String actorId, int maxRequests) {
        if (partyOf(actorId) != Party.BUYER) {
            return new Decision.Refused(Refusal.NOT_ALLOWED, "Only the order's buyer can ask the seller to cancel it");
        }
        if (cancelled) {
            return new Decision.Refused(Refusal.ALREADY_CANCELLED, "The order is already cancelled");
        }
        if (shipped) {
            return new Decision.Refused(Refusal.ALREADY_SHIPPED, "The order has shipped"
                    + (trackingNumber == null ? "" : " with tracking number " + trackingNumber)
                    + "; it can no longer be cancelled. Start a return once it arrives.");
        }
        if (!windowExpired) {
            return new Decision.Refused(Refusal.WINDOW_STILL_OPEN,
                    "You can still cancel this order yourself; no need to ask the seller");
        }
        var open = openRequest();
        if (open.isPresent()) {
            return new Decision.Refused(Refusal.REQUEST_PENDING, "A cancellation request for this order is already "
                    + (open.get().status() == RequestStatus.PENDING ? "waiting for the seller" : "being carried out"));
        }
        if (requests.size() >= maxRequests) {
            return new Decision.Refused(Refusal.REQUEST_LIMIT_REACHED, "An order takes at most " + maxRequests
                    + " cancellation requests; contact support through the help center");
        }
        return new Decision.Accepted();
    }

    /**
     * May a party add another entry (a message or a request)? A conversation takes at most
     * {@code maxEntries}, so that one order cannot grow the stores without bound; system notes are
     * not refused (they record what happened to the order).
     */
    public Decision mayAddEntry(int maxEntries) {
        if (lastSeq >= maxEntries) {
            return new Decision.Refused(Refusal.CONVERSATION_LIMIT_REACHED, "This conversation has reached its "
                    + maxEntries + " entries; contact support through the help center");
        }
        return new Decision.Accepted();
    }

    /**
     * May {@code actorId} approve (or decline) request {@code requestId}? Only the seller, only while it
     * is pending; the same answer given again is a repeat (nothing more happens), the other one is refused.
     */
    public Decision mayAnswer(String actorId, String requestId, boolean approve) {
        if (partyOf(actorId) != Party.SELLER) {
            return new Decision.Refused(Refusal.NOT_ALLOWED, "Only the order's seller answers a cancellation request");
        }
        var request = requests.get(requestId);
        if (request == null) {
            return new Decision.Refused(Refusal.REQUEST_NOT_FOUND, "No cancellation request " + requestId + " for this order");
        }
        if (request.status() == RequestStatus.PENDING) {
            return cancelled ? new Decision.Refused(Refusal.ALREADY_CANCELLED, "The order is already cancelled")
                    : new Decision.Accepted();
        }
        var approvedBefore = request.answeredAt() != null && request.cancelCommandId() != null;
        var declinedBefore = request.status() == RequestStatus.DECLINED;
        if (approve && approvedBefore || !approve && declinedBefore) {
            return new Decision.Repeated();
        }
        return new Decision.Refused(Refusal.REQUEST_NOT_PENDING, "The request is " + request.status().name().toLowerCase());
    }
}
