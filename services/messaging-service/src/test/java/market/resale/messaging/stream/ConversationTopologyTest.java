package market.resale.messaging.stream;

import static market.resale.messaging.MessagingMother.BUYER;
import static market.resale.messaging.MessagingMother.SELLER;
import static market.resale.messaging.MessagingMother.WINDOW_CLOSED_AT;
import static market.resale.messaging.MessagingMother.message;
import static market.resale.messaging.MessagingMother.placed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import market.resale.messaging.domain.Refusal;
import market.resale.platform.kafka.DeadLetters;
import market.resale.schemas.topics.DeadLetterHeaders;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.NotificationKind;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A conversation per order: entries numbered in the order they were accepted, stamped by the clock, each once. */
class ConversationTopologyTest {

    private MessagingHarness harness;

    @BeforeEach
    void start() {
        harness = new MessagingHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private static ConversationMessage.Builder entry(String orderId, long seq, String sender, ParticipantRole role, String text,
                                                     Instant at) {
        return ConversationMessage.newBuilder().setMessageId("m-" + orderId + "-" + seq).setOrderId(orderId).setSeq(seq)
                .setSenderId(sender).setSenderRole(role).setKind(MessageKind.MESSAGE).setText(text).setSentAt(at);
    }

    @Test
    void messagesAreNumberedPerOrderInTheOrderTheyWereAcceptedAndStampedByTheClock() {
        // Given two orders between the same parties
        harness.placed.pipeInput("o-1", placed("o-1").build());
        harness.placed.pipeInput("o-2", placed("o-2").build());
        var first = WINDOW_CLOSED_AT;
        var second = first.plus(Duration.ofMinutes(5));

        // When they talk about both
        harness.at(first);
        harness.send(message("o-1", "c-1", BUYER, "Is it still available in M?").build());
        harness.send(message("o-2", "c-2", BUYER, "And this one?").build());
        harness.at(second);
        harness.send(message("o-1", "c-3", SELLER, "Yes, it ships tomorrow").build());

        // Then each order counts from 1, in the order the entries were accepted
        assertThat(harness.messages.readKeyValuesToList()).containsExactly(
                KeyValue.pair("o-1", entry("o-1", 1, BUYER, ParticipantRole.BUYER, "Is it still available in M?", first).build()),
                KeyValue.pair("o-2", entry("o-2", 1, BUYER, ParticipantRole.BUYER, "And this one?", first).build()),
                KeyValue.pair("o-1", entry("o-1", 2, SELLER, ParticipantRole.SELLER, "Yes, it ships tomorrow", second).build()));
        assertThat(harness.conversation("o-1").lastSeq()).isEqualTo(2);
        assertThat(harness.topology.count("messages_total", "kind", "MESSAGE")).isEqualTo(3);
    }

    @Test
    void theOtherPartyIsNotifiedOfANewMessage() {
        harness.placed.pipeInput("o-1", placed("o-1").build());
        harness.at(WINDOW_CLOSED_AT);

        harness.send(message("o-1", "c-1", BUYER, "Hello?").build());

        var notices = harness.notifications.readKeyValuesToList();
        assertThat(notices).hasSize(1);
        assertThat(notices.getFirst().key).isEqualTo(SELLER);
        assertThat(notices.getFirst().value).isEqualTo(Notification.newBuilder()
                .setNotificationId(notices.getFirst().value.getNotificationId()).setUserId(SELLER)
                .setKind(NotificationKind.NEW_MESSAGE).setOrderId("o-1").setTitle("New message about order o-1")
                .setBody("Hello?").setCreatedAt(WINDOW_CLOSED_AT).build());
    }

    @Test
    void aRedeliveredCommandIsAppliedOnce() {
        harness.placed.pipeInput("o-1", placed("o-1").build());
        var command = message("o-1", "c-1", BUYER, "Hello?").build();

        harness.send(command);
        harness.send(command);

        assertThat(harness.messages.readValuesToList()).extracting(ConversationMessage::getSeq).containsExactly(1L);
        assertThat(harness.outcome("o-1", "c-1").seq()).isEqualTo(1L);
    }

    @Test
    void someoneWhoIsNotAPartyCannotWriteAndTheCommandIsDeadLettered() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.send(message("o-1", "c-1", "buyer-bob", "Let me in").build());
        harness.send(message("o-unknown", "c-2", BUYER, "Which order?").build());

        assertThat(harness.messages.readValuesToList()).isEmpty();
        assertThat(harness.outcome("o-1", "c-1").refusal()).isEqualTo(Refusal.NOT_A_PARTY);
        assertThat(harness.outcome("o-unknown", "c-2").refusal()).isEqualTo(Refusal.UNKNOWN_ORDER);
        assertThat(harness.deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactly(DeadLetters.INVALID, DeadLetterHeaders.UNKNOWN_ORDER);
    }

    @Test
    void poisonRecordsAreDeadLetteredAndTheNextRecordIsProcessed() {
        harness.topology.rawInput(Topics.CONVERSATION_COMMANDS).pipeInput("o-1", "{\"json\":true}".getBytes(StandardCharsets.UTF_8));
        harness.placed.pipeInput("o-1", placed("o-1").setSellerId(BUYER).build());
        harness.placed.pipeInput("o-2", placed("o-2").build());

        harness.send(message("o-2", "c-1", BUYER, "Hello?").build());

        assertThat(harness.deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.REASON))
                .containsExactly(DeadLetters.NOT_DESERIALIZABLE, DeadLetters.INVALID);
        assertThat(harness.messages.readValuesToList()).extracting(ConversationMessage::getOrderId).containsExactly("o-2");
    }

    /**
     * Issue 16, point 8: conversation and inbox keys start with an order's or a user's id and a '|': a placement whose
     * ids hold one (or anything else no id holds) is dead-lettered, so no user's entries can match another's prefix.
     */
    @Test
    void aPlacementWithIdsThatAreNotIdsIsDeadLettered() {
        harness.placed.pipeInput("o-1", placed("o-1").setBuyerId(BUYER + "|x").build());
        harness.placed.pipeInput("o-2", placed("o-2").setSellerId("seller bob").build());

        assertThat(harness.deadLetters.readRecordsToList()).extracting(r -> DeadLetters.header(r.headers(), DeadLetters.DETAIL))
                .satisfiesExactly(d -> assertThat(d).startsWith("buyerId is not"), d -> assertThat(d).startsWith("sellerId is not"));
    }

    @Test
    void eventsThatArriveBeforeThePlacementAreKeptUntilThePartiesAreKnown() {
        harness.windowClosed.pipeInput("o-1", market.resale.messaging.MessagingMother.windowExpired("o-1").build());
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.send(market.resale.messaging.MessagingMother.request("o-1", "c-1").build());

        assertThat(harness.outcome("o-1", "c-1").accepted()).isTrue();
    }
    @Test
    void anAnswerIsKeptForTheRetentionAndThenForgottenReadingOnlyWhatExpired() {
        harness.placed.pipeInput("o-1", placed("o-1").build());
        var first = WINDOW_CLOSED_AT;
        var later = first.plus(Duration.ofDays(3));
        harness.at(first);
        harness.send(message("o-1", "c-1", BUYER, "Hello?").build());
        harness.at(later);
        harness.send(message("o-1", "c-2", BUYER, "Anyone?").build());

        // a minute short of 7 days after the first answer, both are kept
        harness.at(first.plus(Duration.ofDays(7)).minus(Duration.ofMinutes(1)));
        assertThat(harness.outcome("o-1", "c-1")).isNotNull();

        // 7 days after it, the first is forgotten and the second kept, with its entry in the time index
        harness.at(first.plus(Duration.ofDays(7)).plus(Duration.ofMinutes(1)));
        assertThat(harness.outcome("o-1", "c-1")).isNull();
        assertThat(harness.outcome("o-1", "c-2")).isNotNull();
        assertThat(expiryIndex()).containsExactly(market.resale.platform.kafka.DueIndex.entry(later.toEpochMilli(),
                MessagingTopology.outcomeKey("o-1", "c-2")));

        harness.at(later.plus(Duration.ofDays(7)).plus(Duration.ofMinutes(1)));
        assertThat(harness.outcome("o-1", "c-2")).isNull();
        assertThat(expiryIndex()).isEmpty();
        // the conversation itself is not touched
        assertThat(harness.conversation("o-1").lastSeq()).isEqualTo(2);
    }

    private java.util.List<String> expiryIndex() {
        var keys = new java.util.ArrayList<String>();
        try (var it = harness.topology.<String>store(MessagingTopology.OUTCOME_EXPIRY_STORE).all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void anAnswerRemembersWhichRequestItAnswers() {
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.send(message("o-1", "c-1", BUYER, "Hello?").build());

        var outcome = harness.outcome("o-1", "c-1");
        assertThat(outcome.action()).isEqualTo("POST_MESSAGE");
        assertThat(outcome.answers("POST_MESSAGE",
                market.resale.messaging.domain.CommandOutcome.fingerprint("POST_MESSAGE", null, "Hello?", null))).isTrue();
        assertThat(outcome.answers("POST_MESSAGE",
                market.resale.messaging.domain.CommandOutcome.fingerprint("POST_MESSAGE", null, "Hello!", null))).isFalse();
        assertThat(outcome.answers("REQUEST_CANCELLATION", outcome.fingerprint())).isFalse();
    }

    @Test
    void aConversationTakesABoundedNumberOfEntriesFromItsPartiesButStillRecordsWhatHappens() {
        harness.close();
        var defaults = market.resale.messaging.MessagingMother.settings();
        harness = new MessagingHarness(new market.resale.messaging.config.MessagingSettings(defaults.nonResponsive(),
                defaults.decisionWait(), defaults.maxMessageLength(), defaults.maxNoteLength(), defaults.streamHeartbeat(),
                defaults.outcomeRetention(), 3, defaults.maxRequestsPerOrder(), defaults.inboxRetention()));
        harness.placedAndWindowExpired("o-1");
        harness.at(WINDOW_CLOSED_AT.plusSeconds(60));

        harness.send(message("o-1", "c-1", BUYER, "One").build());
        harness.send(message("o-1", "c-2", SELLER, "Two").build());
        harness.send(message("o-1", "c-3", BUYER, "Three").build());
        harness.send(message("o-1", "c-4", SELLER, "Four").build());
        harness.send(market.resale.messaging.MessagingMother.request("o-1", "c-5").build());
        harness.cancelled.pipeInput("o-1", market.resale.schemas.RecordMother.orderCancelled("o-1", WINDOW_CLOSED_AT).build());

        assertThat(harness.outcome("o-1", "c-4").refusal()).isEqualTo(Refusal.CONVERSATION_LIMIT_REACHED);
        assertThat(harness.outcome("o-1", "c-5").refusal()).isEqualTo(Refusal.CONVERSATION_LIMIT_REACHED);
        assertThat(harness.messages.readValuesToList()).extracting(ConversationMessage::getSeq, ConversationMessage::getKind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, MessageKind.MESSAGE),
                        org.assertj.core.groups.Tuple.tuple(2L, MessageKind.MESSAGE),
                        org.assertj.core.groups.Tuple.tuple(3L, MessageKind.MESSAGE),
                        org.assertj.core.groups.Tuple.tuple(4L, MessageKind.SYSTEM_NOTE));
    }

    /** The service README shows the topology this code builds, every output a named sink (Topology.describe()). */
    @Test
    void theReadmeShowsThisTopology() throws Exception {
        harness.topology.assertReadmeShowsTopology(java.nio.file.Path.of("README.md"));
    }
}
