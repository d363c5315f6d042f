package market.resale.support.web;

import market.resale.platform.web.ControllerHarness;
import static org.assertj.core.api.Assertions.assertThat;

import static market.resale.support.SupportMother.BUYER;
import static market.resale.support.SupportMother.PNG;
import static market.resale.support.SupportMother.SELLER;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.web.Forwarder;
import market.resale.support.SupportMother;
import market.resale.support.config.SupportSettings;
import market.resale.support.domain.Actor;
import market.resale.support.domain.ActorRole;
import market.resale.support.domain.CaseLimits;
import market.resale.support.domain.CaseSource;
import market.resale.support.domain.CaseType;
import market.resale.support.domain.Change;
import market.resale.support.domain.FileCheck;
import market.resale.support.domain.FileInfo;
import market.resale.support.domain.SupportCase;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.support.CaseStatus;
import market.resale.schemas.support.CaseSummary;
import market.resale.support.stream.SupportTopology;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Who may read and move a case over HTTP, and what a file upload hears before anything is stored. */
class CasesControllerTest {

    private static final String CASE_ID = "order-1:DI1";

    private final ControllerHarness harness = new ControllerHarness();
    private final KeyOwnerRouter router = harness.router;
    private final EventPublisher publisher = harness.publisher;
    private ReadOnlyKeyValueStore<String, byte[]> files;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        var kase = SupportCase.open(CASE_ID, "order-1", CaseType.DISPUTE, BUYER, SELLER, new Actor(BUYER, ActorRole.BUYER),
                CaseSource.HELP_CENTER, "Not as described", SupportMother.NOW.toEpochMilli());
        kase = ((Change.Applied) kase.addStatement(new Actor(SELLER, ActorRole.SELLER), "It was as described", 1,
                new CaseLimits(10, 2))).after();
        kase = ((Change.Applied) kase.addFile(new Actor(BUYER, ActorRole.BUYER), new FileInfo("chat.png", "image/png",
                PNG.length, FileCheck.sha256(PNG)), 2, new CaseLimits(10, 2))).after();
        ReadOnlyKeyValueStore<String, SupportCase> cases = harness.store(SupportTopology.CASES_STORE);
        when(cases.get(CASE_ID)).thenReturn(kase);
        files = harness.store(SupportTopology.FILES_STORE);
        when(files.get(SupportTopology.fileKey(CASE_ID, "e2"))).thenReturn(PNG);
    }

    private WebTestClient as(String userId, String role) {
        var settings = SupportSettings.defaults();
        var clock = Clock.fixed(SupportMother.NOW, ZoneOffset.UTC);
        var access = new CaseAccess(router, publisher, settings, clock,
                new market.resale.platform.web.CommandFlow(market.resale.platform.kafka.CommitWatch.PROCESSED_IS_COMMITTED));
        return ControllerHarness.client(userId, role,
                new CasesController(router, harness.routing(), access, clock),
                new EvidenceFilesController(access, router, settings, new Forwarder(
                        org.springframework.web.reactive.function.client.WebClient.builder(), java.time.Duration.ofSeconds(1),
                        new byte[32], clock)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void agentsListCasesByStatusTypeAgeAndAssigneeOnePageAtATime() {
        var now = SupportMother.NOW;
        var summaries = new java.util.ArrayList<CaseSummary>();
        // Opened 1..6 hours ago; the odd ones assigned to agent-ada, the first three in review.
        for (int i = 1; i <= 6; i++) {
            summaries.add(CaseSummary.newBuilder().setCaseId("order-" + i + ":NR1").setOrderId("order-" + i)
                    .setType(i == 6 ? market.resale.schemas.support.CaseType.COMPLAINT : market.resale.schemas.support.CaseType.NON_RESPONSIVE_SELLER)
                    .setStatus(i <= 3 ? CaseStatus.IN_REVIEW : CaseStatus.OPEN).setBuyerId(i == 1 ? BUYER : "buyer-" + i)
                    .setSellerId(SELLER).setOpenedBy("system").setOpenedByRole(ParticipantRole.SYSTEM)
                    .setAssigneeId(i % 2 == 1 ? "agent-ada" : null).setDescription("case " + i)
                    .setOpenedAt(now.minus(Duration.ofHours(i))).setUpdatedAt(now.minus(Duration.ofHours(i))).build());
        }
        ReadOnlyKeyValueStore<String, CaseSummary> store = mock(ReadOnlyKeyValueStore.class);
        when(store.all()).thenAnswer(invocation -> iterator(summaries));
        when(router.<CaseSummary>localStore(SupportTopology.SUMMARIES_STORE)).thenReturn(store);
        var agent = as("agent-ada", "SUPPORT");

        agent.get().uri("/cases?status=IN_REVIEW&assignee=agent-ada").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(2)
                .jsonPath("$.cases[0].caseId").isEqualTo("order-3:NR1") // oldest first
                .jsonPath("$.cases[1].caseId").isEqualTo("order-1:NR1");
        agent.get().uri("/cases?assignee=none").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(3)
                .jsonPath("$.cases[0].caseId").isEqualTo("order-6:NR1").jsonPath("$.cases[2].caseId").isEqualTo("order-2:NR1");
        agent.get().uri("/cases?olderThan=PT4H").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(3) // opened 4, 5 and 6 hours ago
                .jsonPath("$.cases[2].caseId").isEqualTo("order-4:NR1");
        agent.get().uri("/cases?type=COMPLAINT&status=OPEN&status=IN_REVIEW").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1).jsonPath("$.cases[0].caseId").isEqualTo("order-6:NR1");
        agent.get().uri("/cases?size=4&page=1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(6).jsonPath("$.hasMore").isEqualTo(false)
                .jsonPath("$.cases.length()").isEqualTo(2)
                .jsonPath("$.cases[0].caseId").isEqualTo("order-2:NR1");
        agent.get().uri("/cases?size=4&page=0").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.hasMore").isEqualTo(true).jsonPath("$.cases.length()").isEqualTo(4);
        // A party sees only their own cases, and may not filter by assignee.
        as(BUYER, "BUYER").get().uri("/cases").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.total").isEqualTo(1).jsonPath("$.cases[0].caseId").isEqualTo("order-1:NR1");
        as(BUYER, "BUYER").get().uri("/cases?assignee=agent-ada").exchange().expectStatus().isBadRequest();
    }

    private static KeyValueIterator<String, CaseSummary> iterator(java.util.List<CaseSummary> summaries) {
        var values = summaries.iterator();
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return values.hasNext();
            }

            @Override
            public KeyValue<String, CaseSummary> next() {
                var next = values.next();
                return KeyValue.pair(next.getCaseId(), next);
            }

            @Override
            public void close() {
            }

            @Override
            public String peekNextKey() {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void theBuyerSeesTheCaseButNotTheSellersStatementBeforeMediation() {
        as(BUYER, "BUYER").get().uri("/cases/" + CASE_ID).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("OPEN")
                .jsonPath("$.evidence.length()").isEqualTo(1)
                .jsonPath("$.evidence[0].file.url").isEqualTo("/cases/" + CASE_ID + "/evidence/files/e2")
                .jsonPath("$.audit[0].action").isEqualTo("OPENED")
                .jsonPath("$.audit[0].actor.id").isEqualTo(BUYER);
        as("agent-ada", "SUPPORT").get().uri("/cases/" + CASE_ID).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.evidence.length()").isEqualTo(2);
    }

    @Test
    void aStrangerGetsNotFoundWhetherOrNotTheCaseExists() {
        as("buyer-bob", "BUYER").get().uri("/cases/" + CASE_ID).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("not-found");
        as("buyer-bob", "BUYER").get().uri("/cases/order-1:DI7").exchange().expectStatus().isNotFound();
        as("buyer-bob", "BUYER").get().uri("/cases/" + CASE_ID + "/evidence/files/e2").exchange().expectStatus().isNotFound();
        as(BUYER, "BUYER").get().uri("/cases/not-a-case").exchange().expectStatus().isNotFound();
    }

    /**
     * Issue 16, point 3: until mediation opens, what a party wrote stays its own: the seller sees neither the buyer's
     * description nor its file nor what its audit entries say, the buyer not the seller's statement; support sees all.
     */
    @Test
    void whatAPartyWroteIsPrivateToItUntilMediation() {
        as(SELLER, "SELLER").get().uri("/cases/" + CASE_ID).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.description").doesNotExist()
                .jsonPath("$.evidence.length()").isEqualTo(1)
                .jsonPath("$.evidence[0].text").isEqualTo("It was as described")
                .jsonPath("$.audit[0].action").isEqualTo("OPENED")
                .jsonPath("$.audit[0].summary").doesNotExist()
                .jsonPath("$.audit[1].summary").exists()   // the seller's own statement
                .jsonPath("$.audit[2].summary").doesNotExist()
                .jsonPath("$.audit[2].evidenceId").doesNotExist();
        as(BUYER, "BUYER").get().uri("/cases/" + CASE_ID).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.description").isEqualTo("Not as described")
                .jsonPath("$.evidence.length()").isEqualTo(1)
                .jsonPath("$.evidence[0].kind").isEqualTo("FILE")
                .jsonPath("$.audit[1].summary").doesNotExist();
        as("agent-ada", "SUPPORT").get().uri("/cases/" + CASE_ID).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.description").isEqualTo("Not as described")
                .jsonPath("$.evidence.length()").isEqualTo(2)
                .jsonPath("$.audit[0].summary").exists().jsonPath("$.audit[1].summary").exists().jsonPath("$.audit[2].summary").exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOtherPartysDescriptionIsNotInTheCaseListBeforeMediation() {
        var opened = CaseSummary.newBuilder().setCaseId(CASE_ID).setOrderId("order-1").setType(market.resale.schemas.support.CaseType.DISPUTE)
                .setStatus(CaseStatus.IN_REVIEW).setBuyerId(BUYER).setSellerId(SELLER).setOpenedBy(BUYER)
                .setOpenedByRole(ParticipantRole.BUYER).setDescription("Not as described")
                .setOpenedAt(SupportMother.NOW).setUpdatedAt(SupportMother.NOW);
        ReadOnlyKeyValueStore<String, CaseSummary> store = mock(ReadOnlyKeyValueStore.class);
        when(router.<CaseSummary>localStore(SupportTopology.SUMMARIES_STORE)).thenReturn(store);

        when(store.all()).thenAnswer(invocation -> iterator(java.util.List.of(opened.build())));
        as(SELLER, "SELLER").get().uri("/cases").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.cases[0].caseId").isEqualTo(CASE_ID).jsonPath("$.cases[0].description").doesNotExist();
        as(BUYER, "BUYER").get().uri("/cases").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.cases[0].description").isEqualTo("Not as described");

        when(store.all()).thenAnswer(invocation -> iterator(java.util.List.of(opened.setStatus(CaseStatus.MEDIATION)
                .setMediationStartedAt(SupportMother.NOW).build())));
        as(SELLER, "SELLER").get().uri("/cases").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.cases[0].description").isEqualTo("Not as described");
    }

    @Test
    void aPartyWhoMayReadTheCaseMayNotMoveIt() {
        as(SELLER, "SELLER").post().uri("/cases/" + CASE_ID + "/review").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("forbidden");
        as(SELLER, "SELLER").post().uri("/cases/" + CASE_ID + "/resolution").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"outcome\":\"REJECT\",\"reason\":\"no\"}").exchange()
                .expectStatus().isForbidden();
        verify(publisher, never()).publish(any(), any(), any());
    }

    @Test
    void theFileIsServedWithItsTypeAndHash() {
        as(BUYER, "BUYER").get().uri("/cases/" + CASE_ID + "/evidence/files/e2").exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.IMAGE_PNG)
                .expectHeader().valueEquals("X-Content-SHA256", FileCheck.sha256(PNG))
                .expectHeader().valueEquals("ETag", "\"" + FileCheck.sha256(PNG) + "\"")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectBody(byte[].class).isEqualTo(PNG);
        as(SELLER, "SELLER").get().uri("/cases/" + CASE_ID + "/evidence/files/e2").exchange()
                .expectStatus().isNotFound(); // the buyer's file is the seller's to see from mediation on
    }

    /**
     * Issue 16, point 4: whether the caller may attach to the case is checked before the body is read: a stranger hears
     * 404 (not 413 for a body it declares too large) and not a byte of its upload is consumed.
     */
    @Test
    void aStrangersUploadIsRefusedBeforeItsBodyIsRead() {
        var read = new java.util.concurrent.atomic.AtomicBoolean();
        var body = reactor.core.publisher.Flux.just(org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance.wrap(PNG))
                .doOnRequest(n -> read.set(true));
        as("buyer-mallory", "BUYER").post().uri("/cases/" + CASE_ID + "/evidence/files").contentType(MediaType.IMAGE_PNG)
                .body(body, org.springframework.core.io.buffer.DataBuffer.class).exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("not-found");
        assertThat(read).as("the stranger's body was read").isFalse();
        as("buyer-mallory", "BUYER").post().uri("/cases/" + CASE_ID + "/evidence/files").contentType(MediaType.IMAGE_PNG)
                .header("Content-Length", Long.toString(5L * 1024 * 1024))
                .bodyValue(Arrays.copyOf(PNG, 5 * 1024 * 1024)).exchange()
                .expectStatus().isNotFound();
        verify(publisher, never()).publish(any(), any(), any());
    }

    @Test
    void anOversizedFileIsRefusedWithFileTooLarge() {
        as(BUYER, "BUYER").post().uri("/cases/" + CASE_ID + "/evidence/files").contentType(MediaType.IMAGE_PNG)
                .bodyValue(Arrays.copyOf(PNG, 4 * 1024 * 1024 + 1)).exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("file-too-large")
                .jsonPath("$.maxBytes").isEqualTo(4 * 1024 * 1024);
        verify(publisher, never()).publish(any(), any(), any());
    }

    @Test
    void aDisallowedOrDisguisedTypeIsRefusedWithFileTypeNotAllowed() {
        as(BUYER, "BUYER").post().uri("/cases/" + CASE_ID + "/evidence/files").contentType(MediaType.parseMediaType("application/zip"))
                .bodyValue(new byte[] {'P', 'K', 3, 4}).exchange()
                .expectStatus().isEqualTo(415)
                .expectBody()
                .jsonPath("$.code").isEqualTo("file-type-not-allowed")
                .jsonPath("$.allowedTypes[0]").isEqualTo("application/pdf");
        as(BUYER, "BUYER").post().uri("/cases/" + CASE_ID + "/evidence/files").contentType(MediaType.IMAGE_JPEG)
                .bodyValue(PNG).exchange()
                .expectStatus().isEqualTo(415)
                .expectBody().jsonPath("$.detail").isEqualTo("The content is not image/jpeg as declared");
        verify(publisher, never()).publish(any(), any(), any());
    }

    @Test
    void onlyPartiesOpenCases() {
        as("agent-ada", "SUPPORT").post().uri("/cases").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"orderId\":\"order-1\",\"type\":\"DISPUTE\",\"description\":\"x\"}").exchange()
                .expectStatus().isForbidden();
        as(BUYER, "BUYER").post().uri("/cases").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"orderId\":\"order-1\",\"type\":\"SOMETHING\",\"description\":\"x\"}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.fields.type").exists().jsonPath("$.allowedValues.type").isArray();
    }
    @Test
    @SuppressWarnings("unchecked")
    void aKeyUsedForAnotherRequestIsRefusedInsteadOfAnsweredWithTheOthersAnswer() {
        // the buyer opened the case with key-00001: its answer names the case but no evidence
        ReadOnlyKeyValueStore<String, market.resale.support.domain.CommandOutcome> outcomes = mock(ReadOnlyKeyValueStore.class);
        when(router.<market.resale.support.domain.CommandOutcome>localStore(SupportTopology.OUTCOMES_STORE)).thenReturn(outcomes);
        var opening = market.resale.schemas.support.CaseCommand.newBuilder().setCommandId(BUYER + ":key-00001").setOrderId("order-1")
                .setAction(market.resale.schemas.support.CaseCommandAction.OPEN).setActorId(BUYER)
                .setActorRole(market.resale.schemas.messaging.ParticipantRole.BUYER)
                .setCaseType(market.resale.schemas.support.CaseType.DISPUTE).setText("Not as described")
                .setRequestedAt(SupportMother.NOW).build();
        when(outcomes.get(SupportTopology.outcomeKey("order-1", BUYER + ":key-00001"))).thenReturn(
                market.resale.support.domain.CommandOutcome.done(opening.getCommandId(), "order-1", CASE_ID, true, null, 0)
                        .forRequest("OPEN", market.resale.support.stream.CaseRecords.fingerprint(opening), null));

        as(BUYER, "BUYER").post().uri("/cases/" + CASE_ID + "/evidence/messages").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "key-00001").bodyValue("{\"messageId\":\"m-order-1-1\"}").exchange()
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused")
                .jsonPath("$.detail").isEqualTo("This Idempotency-Key was used for another request");
        as(BUYER, "BUYER").post().uri("/cases/" + CASE_ID + "/statements").contentType(MediaType.APPLICATION_JSON)
                .header("Idempotency-Key", "key-00001").bodyValue("{\"text\":\"Not as described\"}").exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
        // (a file without ?name= travels with an empty name: the processor names it after its evidence id)
        as(BUYER, "BUYER").post().uri("/cases/" + CASE_ID + "/evidence/files").contentType(MediaType.IMAGE_PNG)
                .header("Idempotency-Key", "key-00001").bodyValue(PNG).exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.code").isEqualTo("idempotency-key-reused");
        // the same request again still gets its answer
        ReadOnlyKeyValueStore<String, market.resale.support.domain.OrderCases> orders = mock(ReadOnlyKeyValueStore.class);
        when(orders.get("order-1")).thenReturn(market.resale.support.domain.OrderCases.unknown("order-1").withParties(BUYER, SELLER, true));
        when(router.<market.resale.support.domain.OrderCases>localStore(SupportTopology.ORDER_CASES_STORE)).thenReturn(orders);
        as(BUYER, "BUYER").post().uri("/cases").contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "key-00001")
                .bodyValue("{\"orderId\":\"order-1\",\"type\":\"DISPUTE\",\"description\":\"Not as described\"}").exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.caseId").isEqualTo(CASE_ID);
        verify(publisher, never()).publish(any(), any(), any());
    }
}
