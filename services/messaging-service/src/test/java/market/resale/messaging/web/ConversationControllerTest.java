package market.resale.messaging.web;

import market.resale.platform.web.ControllerHarness;
import market.resale.platform.kafka.CommitWatch;
import market.resale.platform.web.CommandFlow;

import static market.resale.messaging.MessagingMother.BUYER;
import static market.resale.messaging.MessagingMother.SELLER;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import market.resale.messaging.MessagingMother;
import market.resale.platform.ManualClock;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.CommandOutcome;
import market.resale.messaging.domain.Conversation;
import market.resale.messaging.domain.EntryKind;
import market.resale.messaging.domain.Message;
import market.resale.messaging.domain.Party;
import market.resale.messaging.domain.Refusal;
import market.resale.messaging.stream.MessagingTopology;
import market.resale.platform.kafka.EventPublisher;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Who may read and write an order's conversation, and how a write is answered. */
class ConversationControllerTest {

    private static final Instant NOW = MessagingMother.WINDOW_CLOSED_AT;

    private final ControllerHarness harness = new ControllerHarness();
    private final EventPublisher publisher = harness.publisher;
    private ReadOnlyKeyValueStore<String, CommandOutcome> outcomes;
    private ReadOnlyKeyValueStore<String, Message> messages;
    private MessagingSettings settings;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        ReadOnlyKeyValueStore<String, Conversation> conversations = harness.store(MessagingTopology.CONVERSATIONS_STORE);
        outcomes = harness.store(MessagingTopology.OUTCOMES_STORE);
        messages = harness.store(MessagingTopology.MESSAGES_STORE);
        when(messages.prefixScan(anyString(), any())).thenReturn(mock(KeyValueIterator.class));
        when(conversations.get("o-1")).thenReturn(Conversation.start("o-1").placed(BUYER, SELLER).windowClosedNow(true));
        harness.acknowledges(Topics.CONVERSATION_COMMANDS, "o-1", 0);
        var defaults = MessagingMother.settings();
        settings = new MessagingSettings(defaults.nonResponsive(), Duration.ofMillis(200), 20, 10, defaults.streamHeartbeat(),
                defaults.outcomeRetention(), defaults.maxEntriesPerOrder(), defaults.maxRequestsPerOrder(), defaults.inboxRetention());
    }

    private WebTestClient client(String userId, String role) {
        var controller = new ConversationController(harness.router, harness.routing(), publisher, settings,
                new ManualClock(NOW), new CommandFlow(CommitWatch.PROCESSED_IS_COMMITTED));
        return ControllerHarness.client(userId, role, controller);
    }

    private WebTestClient.ResponseSpec post(String userId, String role, String path, String json, String key) {
        var request = client(userId, role).post().uri(path).contentType(MediaType.APPLICATION_JSON);
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.bodyValue(json).exchange();
    }

    @Test
    void itsPartiesAndSupportReadTheConversationAndNobodyElseLearnsItExists() {
        client(BUYER, "BUYER").get().uri("/orders/o-1/conversation").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.sellerId").isEqualTo(SELLER);
        client(SELLER, "SELLER").get().uri("/orders/o-1/conversation").exchange().expectStatus().isOk();
        client("agent-1", "SUPPORT").get().uri("/orders/o-1/conversation").exchange().expectStatus().isOk();
        client("buyer-bob", "BUYER").get().uri("/orders/o-1/conversation").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not-found");
        client("buyer-bob", "BUYER").get().uri("/orders/o-404/conversation").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not-found");
    }

    @Test
    void supportReadsButDoesNotWrite() {
        post("agent-1", "SUPPORT", "/orders/o-1/conversation/messages", "{\"text\":\"hello\"}", null)
                .expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("forbidden");
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void onlyTheBuyerAsksAndOnlyTheSellerAnswers() {
        post(SELLER, "SELLER", "/orders/o-1/cancellation-requests", "{\"reason\":\"OTHER\"}", null)
                .expectStatus().isForbidden();
        client(BUYER, "BUYER").post().uri("/orders/o-1/cancellation-requests/r-1/approval").exchange()
                .expectStatus().isForbidden();
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void anAcceptedMessageIsCreatedWithItsNumber() {
        var message = new Message("m-o-1-1", "o-1", 1, BUYER, Party.BUYER, EntryKind.MESSAGE, "hello", null, null, NOW.toEpochMilli());
        when(outcomes.get("o-1|" + BUYER + ":key-00001")).thenReturn(null,
                CommandOutcome.accepted(BUYER + ":key-00001", message, null, NOW.toEpochMilli())
                        .forRequest("POST_MESSAGE", CommandOutcome.fingerprint("POST_MESSAGE", null, "hello", null), null));
        when(messages.get(MessagingTopology.messageKey("o-1", 1))).thenReturn(message);

        post(BUYER, "BUYER", "/orders/o-1/conversation/messages", "{\"text\":\"hello\"}", "key-00001")
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Location", "/orders/o-1/conversation/messages/1")
                .expectBody().jsonPath("$.seq").isEqualTo(1).jsonPath("$.sentAt").isEqualTo(NOW.toString());
        verify(publisher).publish(eq(Topics.CONVERSATION_COMMANDS), eq("o-1"), any());
    }

    @Test
    void aRetryWithTheSameKeyGetsTheRecordedRefusalWithoutAskingAgain() {
        when(outcomes.get("o-1|" + BUYER + ":key-00002")).thenReturn(CommandOutcome.refused(BUYER + ":key-00002",
                Refusal.WINDOW_STILL_OPEN, "You can still cancel this order yourself", null, null, NOW.toEpochMilli())
                .forRequest("REQUEST_CANCELLATION", CommandOutcome.fingerprint("REQUEST_CANCELLATION", null, "sorry", "CHANGED_MIND"), null));

        post(BUYER, "BUYER", "/orders/o-1/cancellation-requests", "{\"reason\":\"CHANGED_MIND\",\"note\":\"sorry\"}", "key-00002")
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("window-still-open")
                .jsonPath("$.cancelYourself").isEqualTo("/orders/o-1/cancellations");
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void aWriteNotDecidedInTimeIsAcceptedForLater() {
        // The Location is where the write's outcome will be, whatever it is (a refusal has no request to show).
        client(SELLER, "SELLER").post().uri("/orders/o-1/cancellation-requests/r-1/decline").header("Idempotency-Key", "decline-001")
                .exchange()
                .expectStatus().isAccepted()
                .expectHeader().valueEquals("Location", "/orders/o-1/conversation-commands/" + SELLER + ":decline-001")
                .expectBody().jsonPath("$.status").isEqualTo("PENDING");
        client(SELLER, "SELLER").get().uri("/orders/o-1/conversation-commands/" + SELLER + ":decline-001").exchange()
                .expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("PENDING");
        client(BUYER, "BUYER").get().uri("/orders/o-1/conversation-commands/" + SELLER + ":decline-001").exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void sizesAndKeysAreChecked() {
        post(BUYER, "BUYER", "/orders/o-1/conversation/messages", "{\"text\":\" \"}", null)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("invalid-request");
        post(BUYER, "BUYER", "/orders/o-1/conversation/messages", "{\"text\":\"" + "x".repeat(21) + "\"}", null)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("message-too-long");
        post(BUYER, "BUYER", "/orders/o-1/cancellation-requests", "{\"reason\":\"OTHER\",\"note\":\"" + "x".repeat(11) + "\"}", null)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("note-too-long");
        post(BUYER, "BUYER", "/orders/o-1/conversation/messages", "{\"text\":\"hi\"}", "bad key!")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("invalid-idempotency-key");
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void aBuyerAsksTheSellerOnlyForABuyersReason() {
        for (var reason : new String[] {"SELLER_NON_RESPONSIVE", "DISPUTE_RESOLUTION", "ITEM_UNAVAILABLE"}) {
            post(BUYER, "BUYER", "/orders/o-1/cancellation-requests", "{\"reason\":\"" + reason + "\"}", null)
                    .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("reason-not-allowed")
                    .jsonPath("$.fields.reason").exists().jsonPath("$.allowedReasons[0]").isEqualTo("CHANGED_MIND");
        }
        verify(publisher, never()).publish(any(), anyString(), any());
    }
    @Test
    void aKeyUsedForAnotherRequestIsRefusedInsteadOfAnsweredWithTheOthersAnswer() {
        // the seller approved r-1 with key-00003, and wrote a message with key-00004
        var approval = new Message("m-o-1-2", "o-1", 2, SELLER, Party.SELLER, EntryKind.REQUEST_APPROVED, "ok", "OTHER", "r-1",
                NOW.toEpochMilli());
        when(outcomes.get("o-1|" + SELLER + ":key-00003")).thenReturn(CommandOutcome.accepted(SELLER + ":key-00003", null,
                "r-1", NOW.toEpochMilli()).forRequest("APPROVE_REQUEST",
                CommandOutcome.fingerprint("APPROVE_REQUEST", "r-1", null, null), null));
        when(outcomes.get("o-1|" + SELLER + ":key-00004")).thenReturn(CommandOutcome.accepted(SELLER + ":key-00004", approval,
                null, NOW.toEpochMilli()).forRequest("POST_MESSAGE",
                CommandOutcome.fingerprint("POST_MESSAGE", null, "hello", null), null));
        // the buyer asked with key-00005
        when(outcomes.get("o-1|" + BUYER + ":key-00005")).thenReturn(CommandOutcome.accepted(BUYER + ":key-00005",
                approval, "r-1", NOW.toEpochMilli()).forRequest("REQUEST_CANCELLATION",
                CommandOutcome.fingerprint("REQUEST_CANCELLATION", null, "sorry", "CHANGED_MIND"), null));

        // the approval's key on POST …/messages (its answer has no seq)
        post(SELLER, "SELLER", "/orders/o-1/conversation/messages", "{\"text\":\"hello\"}", "key-00003")
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused")
                .jsonPath("$.detail").isEqualTo("This Idempotency-Key was used for another request");
        // the message's key on a decline, and on the approval of another request
        client(SELLER, "SELLER").post().uri("/orders/o-1/cancellation-requests/r-1/decline").header("Idempotency-Key", "key-00004")
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
        client(SELLER, "SELLER").post().uri("/orders/o-1/cancellation-requests/r-2/approval").header("Idempotency-Key", "key-00003")
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
        // the request's key again, with another body
        post(BUYER, "BUYER", "/orders/o-1/cancellation-requests", "{\"reason\":\"OTHER\",\"note\":\"sorry\"}", "key-00005")
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
        verify(publisher, never()).publish(any(), anyString(), any());
    }

    @Test
    void anAnswerRecordedForAnotherRequestWhileThisOneWaitedIsNotTakenAsItsAnswer() {
        // two requests with the same key raced: the processor decided the other one (a message) first
        var message = new Message("m-o-1-1", "o-1", 1, BUYER, Party.BUYER, EntryKind.MESSAGE, "hello", null, null, NOW.toEpochMilli());
        when(outcomes.get("o-1|" + BUYER + ":key-00006")).thenReturn(null, CommandOutcome.accepted(BUYER + ":key-00006", message,
                null, NOW.toEpochMilli()).forRequest("POST_MESSAGE", CommandOutcome.fingerprint("POST_MESSAGE", null, "hello", null), null));

        post(BUYER, "BUYER", "/orders/o-1/cancellation-requests", "{\"reason\":\"OTHER\"}", "key-00006")
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
    }
}
