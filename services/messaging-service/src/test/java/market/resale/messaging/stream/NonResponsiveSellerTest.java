package market.resale.messaging.stream;

import static market.resale.messaging.MessagingMother.BUYER;
import static market.resale.messaging.MessagingMother.SELLER;
import static market.resale.messaging.MessagingMother.WINDOW_CLOSED_AT;
import static market.resale.messaging.MessagingMother.message;
import static market.resale.messaging.MessagingMother.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import market.resale.messaging.domain.Ids;
import market.resale.schemas.RecordMother;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.MessageRef;
import market.resale.schemas.messaging.SellerNonResponsive;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rule 4's non-responsive seller (defaults: 2 unanswered buyer entries, 24 hours since the first),
 * with time moved explicitly through the injected clock and the timer.
 */
class NonResponsiveSellerTest {

    private static final Instant FIRST = WINDOW_CLOSED_AT.plus(Duration.ofMinutes(10));
    private static final Instant SECOND = FIRST.plus(Duration.ofHours(2));
    private static final Instant DEADLINE = FIRST.plus(Duration.ofHours(24));

    private MessagingHarness harness;

    @BeforeEach
    void start() {
        harness = new MessagingHarness();
        harness.placedAndWindowExpired("o-1");
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void buyerWrites(String commandId, String text, Instant at) {
        harness.at(at);
        harness.send(message("o-1", commandId, BUYER, text).build());
    }

    private static MessageRef ref(long seq, MessageKind kind, String text, Instant at) {
        return MessageRef.newBuilder().setMessageId("m-o-1-" + seq).setSenderId(BUYER).setKind(kind).setText(text)
                .setSentAt(at).build();
    }

    @Test
    void twoUnansweredBuyerMessagesAndTwentyFourHoursMakeTheSellerNonResponsiveOnce() {
        // Given two buyer messages the seller does not answer
        buyerWrites("c-1", "When will it ship?", FIRST);
        buyerWrites("c-2", "Hello? Please answer", SECOND);

        // When a second short of 24 hours passes, then 24 hours, then the timer runs again and again
        harness.at(DEADLINE.minusSeconds(1));
        assertThat(harness.nonResponsive.readValuesToList()).isEmpty();
        var detectedAt = DEADLINE.plusSeconds(1);
        harness.at(detectedAt);
        harness.at(detectedAt.plus(Duration.ofHours(1)));
        harness.at(detectedAt.plus(Duration.ofDays(3)));

        // Then exactly one episode is published, quoting both messages
        assertThat(harness.nonResponsive.readKeyValuesToList()).containsExactly(KeyValue.pair("o-1", SellerNonResponsive.newBuilder()
                .setOrderId("o-1").setBuyerId(BUYER).setSellerId(SELLER)
                .setEpisodeId(Ids.episodeId("o-1", "m-o-1-1"))
                .setUnanswered(List.of(ref(1, MessageKind.MESSAGE, "When will it ship?", FIRST),
                        ref(2, MessageKind.MESSAGE, "Hello? Please answer", SECOND)))
                .setFirstUnansweredAt(FIRST).setDetectedAt(detectedAt)
                .build()));
        assertThat(harness.topology.count("seller_non_responsive_total")).isEqualTo(1);
    }

    @Test
    void anUnansweredRequestShowsItsEscalation() {
        harness.at(FIRST);
        harness.send(request("o-1", "ask-1").build());
        buyerWrites("c-2", "Hello? Please answer", SECOND);
        var requestId = Ids.requestId("o-1", "ask-1");
        assertThat(harness.conversation("o-1").requests().get(requestId).escalatedAt()).isNull();

        harness.at(DEADLINE.plusSeconds(1));

        assertThat(harness.nonResponsive.readValuesToList()).hasSize(1);
        var escalated = harness.conversation("o-1").requests().get(requestId);
        assertThat(escalated.status().name()).isEqualTo("PENDING"); // the seller may still answer; support now decides too
        assertThat(escalated.escalatedAt()).isEqualTo(DEADLINE.plusSeconds(1).toEpochMilli());
        assertThat(escalated.escalation()).contains("non-responsive").contains("NON_RESPONSIVE_SELLER");
    }

    @Test
    void aSellerReplyBeforeTheDeadlineEndsTheEpisodeAndRecordsTheResponseTime() {
        buyerWrites("c-1", "When will it ship?", FIRST);
        buyerWrites("c-2", "Hello?", SECOND);
        harness.at(FIRST.plus(Duration.ofHours(5)));
        harness.send(message("o-1", "c-3", SELLER, "Tomorrow morning").build());

        harness.at(DEADLINE.plus(Duration.ofHours(1)));

        assertThat(harness.nonResponsive.readValuesToList()).isEmpty();
        var timer = harness.topology.meters().find("seller_response_seconds").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.HOURS)).isEqualTo(5.0);
    }

    @Test
    void oneUnansweredMessageIsNotEnoughEvenAfterTwentyFourHours() {
        buyerWrites("c-1", "When will it ship?", FIRST);

        harness.at(DEADLINE.plus(Duration.ofHours(6)));

        assertThat(harness.nonResponsive.readValuesToList()).isEmpty();
    }

    @Test
    void aSecondMessageAfterTheDeadlineCompletesTheEpisodeAtOnce() {
        buyerWrites("c-1", "When will it ship?", FIRST);
        harness.at(DEADLINE.plus(Duration.ofHours(6)));

        var late = DEADLINE.plus(Duration.ofHours(7));
        buyerWrites("c-2", "Still there?", late);
        harness.at(late.plusSeconds(1));

        assertThat(harness.nonResponsive.readValuesToList()).extracting(SellerNonResponsive::getFirstUnansweredAt,
                        SellerNonResponsive::getDetectedAt, e -> e.getUnanswered().size())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FIRST, late.plusSeconds(1), 2));
    }

    @Test
    void aCancellationRequestCountsAsAnUnansweredEntry() {
        buyerWrites("c-1", "When will it ship?", FIRST);
        harness.at(SECOND);
        harness.send(request("o-1", "ask-1").build());

        harness.at(DEADLINE);

        assertThat(harness.nonResponsive.readValuesToList()).flatExtracting(SellerNonResponsive::getUnanswered)
                .extracting(MessageRef::getKind).containsExactly(MessageKind.MESSAGE, MessageKind.CANCELLATION_REQUEST);
    }

    @Test
    void aCancelledOrderIsNoLongerWatched() {
        buyerWrites("c-1", "When will it ship?", FIRST);
        buyerWrites("c-2", "Hello?", SECOND);
        harness.cancelled.pipeInput("o-1", RecordMother.orderCancelled("o-1", SECOND.plusSeconds(60)).build());

        harness.at(DEADLINE.plus(Duration.ofHours(1)));

        assertThat(harness.nonResponsive.readValuesToList()).isEmpty();
    }

    @Test
    void afterTheSellerRepliesANewEpisodeCanFollow() {
        buyerWrites("c-1", "When will it ship?", FIRST);
        buyerWrites("c-2", "Hello?", SECOND);
        harness.at(DEADLINE);
        harness.send(message("o-1", "c-3", SELLER, "Sorry, I was away").build());

        var again = DEADLINE.plus(Duration.ofHours(1));
        buyerWrites("c-4", "So when?", again);
        buyerWrites("c-5", "?", again.plus(Duration.ofMinutes(1)));
        harness.at(again.plus(Duration.ofHours(24)));

        assertThat(harness.nonResponsive.readValuesToList()).extracting(SellerNonResponsive::getEpisodeId)
                .containsExactly(Ids.episodeId("o-1", "m-o-1-1"), Ids.episodeId("o-1", "m-o-1-4"));
    }

    @Test
    void theThresholdsAreConfiguration() {
        harness.close();
        var settings = market.resale.messaging.MessagingMother.settings();
        harness = new MessagingHarness(new market.resale.messaging.config.MessagingSettings(
                new market.resale.messaging.config.MessagingSettings.NonResponsive(1, Duration.ofHours(2),
                        Duration.ofSeconds(1), 100, 20),
                settings.decisionWait(), settings.maxMessageLength(), settings.maxNoteLength(), settings.streamHeartbeat(),
                settings.outcomeRetention(), settings.maxEntriesPerOrder(), settings.maxRequestsPerOrder(), settings.inboxRetention()));
        harness.placedAndWindowExpired("o-1");
        buyerWrites("c-1", "When will it ship?", FIRST);

        harness.at(FIRST.plus(Duration.ofHours(2)));

        assertThat(harness.nonResponsive.readValuesToList()).hasSize(1);
    }
    @Test
    void aBuyerWritingOnAndOnToASilentSellerKeepsTheConversationSmallAndTheEventQuotesTheFirstTwenty() {
        // Given a buyer who sends 600 messages of 2000 characters (1.2 MB) to a seller who never answers
        var text = "Please answer. ".repeat(134).substring(0, 2000);
        for (var i = 1; i <= 600; i++) {
            buyerWrites("c-" + i, text, FIRST.plusSeconds(i));
        }

        // When the episode falls due, and the buyer writes on after it was reported
        var detectedAt = FIRST.plus(Duration.ofHours(24)).plusSeconds(601);
        harness.at(detectedAt);
        buyerWrites("c-601", text, detectedAt.plusSeconds(1));

        // Then the stored conversation counts all 601 but keeps 20, well under a record's 1 MB
        var conversation = harness.conversation("o-1");
        assertThat(conversation.unansweredCount()).isEqualTo(601);
        assertThat(conversation.unanswered()).hasSize(20);
        var stored = market.resale.platform.kafka.JsonSerde.of(market.resale.messaging.domain.Conversation.class).serializer()
                .serialize("conversations", conversation);
        assertThat(stored.length).isLessThan(64 * 1024);
        // and the one event quotes the first 20 entries
        var events = harness.nonResponsive.readValuesToList();
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().getUnanswered()).hasSize(20).extracting(MessageRef::getMessageId)
                .startsWith("m-o-1-1").endsWith("m-o-1-20");
        // every entry is still in the conversation, one store entry each
        assertThat(harness.messages.readValuesToList()).hasSize(601);
    }

    @Test
    void howManyEntriesAreQuotedIsConfiguration() {
        harness.close();
        var settings = market.resale.messaging.MessagingMother.settings();
        harness = new MessagingHarness(new market.resale.messaging.config.MessagingSettings(
                new market.resale.messaging.config.MessagingSettings.NonResponsive(2, Duration.ofHours(24),
                        Duration.ofSeconds(1), 100, 3),
                settings.decisionWait(), settings.maxMessageLength(), settings.maxNoteLength(), settings.streamHeartbeat(),
                settings.outcomeRetention(), settings.maxEntriesPerOrder(), settings.maxRequestsPerOrder(), settings.inboxRetention()));
        harness.placedAndWindowExpired("o-1");
        for (var i = 1; i <= 5; i++) {
            buyerWrites("c-" + i, "Hello? (" + i + ")", FIRST.plusSeconds(i));
        }

        harness.at(DEADLINE.plusSeconds(10));

        assertThat(harness.nonResponsive.readValuesToList()).flatExtracting(SellerNonResponsive::getUnanswered)
                .extracting(MessageRef::getText).containsExactly("Hello? (1)", "Hello? (2)", "Hello? (3)");
    }
}
