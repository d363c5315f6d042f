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
                .containsExactly(DeadLetters.INVALID, DeadLetters.UNKNOWN_ORDER);
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

    @Test
    void eventsThatArriveBeforeThePlacementAreKeptUntilThePartiesAreKnown() {
        harness.windowClosed.pipeInput("o-1", market.resale.messaging.MessagingMother.windowExpired("o-1").build());
        harness.placed.pipeInput("o-1", placed("o-1").build());

        harness.send(market.resale.messaging.MessagingMother.request("o-1", "c-1").build());

        assertThat(harness.outcome("o-1", "c-1").accepted()).isTrue();
    }
}
