package market.resale.messaging.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The decisions of rule 4, without Kafka. */
class ConversationTest {

    private static final long NOW = Instant.parse("2026-11-20T14:00:00Z").toEpochMilli();

    private static Conversation placed() {
        return Conversation.start("o-1").placed("buyer-ann", "seller-sam");
    }

    private static Conversation askable() {
        return placed().windowClosedNow(true);
    }

    private static Refusal refusal(Decision decision) {
        return decision instanceof Decision.Refused refused ? refused.refusal() : null;
    }

    @Test
    void theBuyerMayAskOnceTheirOwnWindowHasExpired() {
        assertThat(askable().mayRequestCancellation("buyer-ann")).isEqualTo(new Decision.Accepted());
        assertThat(refusal(placed().mayRequestCancellation("buyer-ann"))).isEqualTo(Refusal.WINDOW_STILL_OPEN);
    }

    @Test
    void onlyTheBuyerAsks() {
        assertThat(refusal(askable().mayRequestCancellation("seller-sam"))).isEqualTo(Refusal.NOT_ALLOWED);
        assertThat(refusal(askable().mayRequestCancellation("buyer-bob"))).isEqualTo(Refusal.NOT_ALLOWED);
    }

    @Test
    void cancelledBeatsShippedBeatsTheWindow() {
        var shipped = placed().shippedWith("1Z");
        var cancelled = shipped.cancelledNow("cancelled", NOW);

        assertThat(refusal(shipped.mayRequestCancellation("buyer-ann"))).isEqualTo(Refusal.ALREADY_SHIPPED);
        assertThat(refusal(cancelled.mayRequestCancellation("buyer-ann"))).isEqualTo(Refusal.ALREADY_CANCELLED);
        assertThat(refusal(placed().windowClosedNow(false).mayRequestCancellation("buyer-ann"))).isEqualTo(Refusal.ALREADY_SHIPPED);
    }

    @Test
    void oneOpenRequestAtATimeAndAnApprovedOneIsStillOpen() {
        var request = CancellationRequest.pending("r-1", "o-1", "buyer-ann", "OTHER", null, NOW);
        var pending = askable().with(request);
        var approved = askable().with(request.approved("approval-r-1", NOW));
        var declined = askable().with(request.declined(null, NOW));

        assertThat(refusal(pending.mayRequestCancellation("buyer-ann"))).isEqualTo(Refusal.REQUEST_PENDING);
        assertThat(refusal(approved.mayRequestCancellation("buyer-ann"))).isEqualTo(Refusal.REQUEST_PENDING);
        assertThat(declined.mayRequestCancellation("buyer-ann")).isEqualTo(new Decision.Accepted());
    }

    @Test
    void theSameAnswerAgainIsARepeatAndTheOtherAnswerIsRefused() {
        var request = CancellationRequest.pending("r-1", "o-1", "buyer-ann", "OTHER", null, NOW);
        var approved = askable().with(request.approved("approval-r-1", NOW));
        var refusedByOrders = askable().with(request.approved("approval-r-1", NOW).refused("ALREADY_SHIPPED", "shipped", "1Z", NOW));

        assertThat(askable().with(request).mayAnswer("seller-sam", "r-1", true)).isEqualTo(new Decision.Accepted());
        assertThat(approved.mayAnswer("seller-sam", "r-1", true)).isEqualTo(new Decision.Repeated());
        assertThat(refusedByOrders.mayAnswer("seller-sam", "r-1", true)).isEqualTo(new Decision.Repeated());
        assertThat(refusal(approved.mayAnswer("seller-sam", "r-1", false))).isEqualTo(Refusal.REQUEST_NOT_PENDING);
        assertThat(refusal(approved.mayAnswer("seller-sam", "r-2", true))).isEqualTo(Refusal.REQUEST_NOT_FOUND);
        assertThat(refusal(approved.mayAnswer("buyer-ann", "r-1", true))).isEqualTo(Refusal.NOT_ALLOWED);
    }

    @Test
    void aSellerEntryAnswersEveryWaitingBuyerEntryAndEndsTheEpisode() {
        var c = askable();
        c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "hi", null, null, NOW), 20);
        c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "hello?", null, null, NOW + 1), 20);
        var episode = c.episode();

        assertThat(c.unanswered()).hasSize(2);
        assertThat(episode.firstUnansweredAt()).isEqualTo(NOW);

        c = c.appended(c.next("system", Party.SYSTEM, EntryKind.SYSTEM_NOTE, "note", null, null, NOW + 2), 20);
        assertThat(c.unanswered()).hasSize(2);
        c = c.appended(c.next("seller-sam", Party.SELLER, EntryKind.REQUEST_DECLINED, "no", null, "r-1", NOW + 3), 20);
        assertThat(c.unanswered()).isEmpty();
        assertThat(c.episode()).isNull();
        assertThat(c.lastSeq()).isEqualTo(4);
    }

    @Test
    void theRuleNeedsBothTheCountAndTheTime() {
        var rule = new ResponsivenessRule(2, Duration.ofHours(24));
        var c = askable();
        c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "hi", null, null, NOW), 20);
        var day = Duration.ofHours(24).toMillis();

        assertThat(rule.nonResponsive(c, NOW + day)).isFalse();
        assertThat(rule.nextCheck(c, NOW)).isEqualTo(NOW + day);
        assertThat(rule.nextCheck(c, NOW + day + 1)).isNull();

        c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.CANCELLATION_REQUEST, "", "OTHER", "r-1", NOW + 10), 20);
        assertThat(rule.nonResponsive(c, NOW + day - 1)).isFalse();
        assertThat(rule.nonResponsive(c, NOW + day)).isTrue();
        assertThat(rule.nextCheck(c, NOW + 2 * day)).isEqualTo(NOW + 2 * day);
        assertThat(rule.nonResponsive(c.withEpisode(c.episode().asReported()), NOW + day)).isFalse();
        assertThat(rule.nonResponsive(c.cancelledNow("gone", NOW), NOW + day)).isFalse();
    }
    @Test
    void aBuyerWritingOnToASilentSellerIsCountedButOnlyTheFirstFewAreKept() {
        var rule = new ResponsivenessRule(30, Duration.ofHours(24));
        var c = askable();
        for (var i = 0; i < 500; i++) {
            c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "x".repeat(2000), null, null, NOW + i), 20);
        }

        assertThat(c.unansweredCount()).isEqualTo(500);
        assertThat(c.unanswered()).hasSize(20).extracting(Message::seq).startsWith(1L, 2L).endsWith(20L);
        assertThat(c.episode().firstUnansweredAt()).isEqualTo(NOW);
        // the rule counts every entry, not only those kept
        assertThat(rule.nonResponsive(c, NOW + Duration.ofHours(24).toMillis())).isTrue();
        // and still after the episode was reported
        c = c.withEpisode(c.episode().asReported());
        c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "more", null, null, NOW + 600), 20);
        assertThat(c.unanswered()).hasSize(20);
        assertThat(c.unansweredCount()).isEqualTo(501);

        c = c.appended(c.next("seller-sam", Party.SELLER, EntryKind.MESSAGE, "sorry", null, null, NOW + 700), 20);
        assertThat(c.unanswered()).isEmpty();
        assertThat(c.unansweredCount()).isZero();
    }

    @Test
    void aConversationStoredBeforeTheCountExistedIsReadWithItsUnansweredEntriesCounted() {
        var serde = market.resale.platform.kafka.JsonSerde.of(Conversation.class);
        var c = askable();
        c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "hi", null, null, NOW), 20);
        c = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "hello?", null, null, NOW + 1), 20);
        var json = new String(serde.serializer().serialize("t", c), java.nio.charset.StandardCharsets.UTF_8);
        var old = json.replace("\"unansweredCount\":2,", "");
        assertThat(old).doesNotContain("unansweredCount");

        var read = serde.deserializer().deserialize("t", old.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(read.unansweredCount()).isEqualTo(2);
        assertThat(read).isEqualTo(c);
    }

    @Test
    void anOrderTakesABoundedNumberOfRequestsAndEntries() {
        var declined = CancellationRequest.pending("r-1", "o-1", "buyer-ann", "OTHER", null, NOW).declined(null, NOW);
        var c = askable().with(declined);

        assertThat(c.mayRequestCancellation("buyer-ann", 2)).isEqualTo(new Decision.Accepted());
        assertThat(refusal(c.mayRequestCancellation("buyer-ann", 1))).isEqualTo(Refusal.REQUEST_LIMIT_REACHED);
        var written = c.appended(c.next("buyer-ann", Party.BUYER, EntryKind.MESSAGE, "hi", null, null, NOW), 20);
        assertThat(written.mayAddEntry(2)).isEqualTo(new Decision.Accepted());
        assertThat(refusal(written.mayAddEntry(1))).isEqualTo(Refusal.CONVERSATION_LIMIT_REACHED);
    }
}
