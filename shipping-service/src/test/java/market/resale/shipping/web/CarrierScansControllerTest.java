package market.resale.shipping.web;

import static market.resale.shipping.ShipmentMother.PLACED_AT;
import static market.resale.shipping.ShipmentMother.scan;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.web.ProblemHandling;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.config.ShippingSettings;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Mono;

/** The carrier webhook: what a carrier may send, and what it hears back. */
class CarrierScansControllerTest {

    private EventPublisher publisher;

    @BeforeEach
    void setUp() {
        publisher = mock(EventPublisher.class);
    }

    private WebTestClient as(String userId, String role) {
        WebFilter authenticated = (exchange, chain) -> chain.filter(exchange.mutate()
                .principal(Mono.just(new TestingAuthenticationToken(userId, null, "ROLE_" + role))).build());
        return WebTestClient.bindToController(new CarrierScansController(publisher,
                        new ShippingSettings(50, 500, Duration.ofSeconds(1))))
                .controllerAdvice(new ProblemHandling())
                .webFilter(authenticated)
                .build();
    }

    private static Map<String, Object> body(String scanType) {
        return Map.of("scanId", "o-1-accepted", "orderId", "o-1", "trackingNumber", "1Z999AA10123456784",
                "carrier", "UPS", "scanType", scanType, "scannedAt", PLACED_AT.toString());
    }

    @Test
    void aCarriersScanIsPublishedKeyedByOrderAndAcceptedOnceStored() {
        when(publisher.publish(any(), any(), any())).thenReturn(CompletableFuture.completedFuture(null));

        as("ups-integration", "CARRIER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("ACCEPTED"))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody().json("{\"scanId\":\"o-1-accepted\",\"orderId\":\"o-1\",\"status\":\"ACCEPTED\"}");

        verify(publisher).publish(Topics.CARRIER_SCANS, "o-1", scan("o-1", ScanType.ACCEPTED, PLACED_AT).build());
    }

    @Test
    void anUnknownScanTypeIsAMalformedRequest() {
        as("ups-integration", "CARRIER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("TELEPORTED"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("malformed-request");

        verify(publisher, never()).publish(any(), any(), any());
    }

    @Test
    void aMissingOrBadFieldIsAnInvalidRequestNamingTheField() {
        as("ups-integration", "CARRIER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("scanId", "has spaces", "orderId", "o-1", "trackingNumber", "1Z", "carrier", "UPS",
                        "scanType", "ACCEPTED"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.fields.scanId").exists()
                .jsonPath("$.fields.scannedAt").exists();
    }

    @Test
    void onlyACarrierMayPostScans() {
        as("buyer-ann", "BUYER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("ACCEPTED"))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("forbidden");

        verify(publisher, never()).publish(any(), any(), any());
    }

    @Test
    void aPublishThatHangsIsAnsweredRetryLaterAfterThePublishTimeout() {
        // The broker never acknowledges: the answer comes from the publish timeout (1 s in these settings).
        when(publisher.publish(eq(Topics.CARRIER_SCANS), any(), any())).thenReturn(new CompletableFuture<>());

        as("ups-integration", "CARRIER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("ACCEPTED"))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "1")
                .expectBody().jsonPath("$.code").isEqualTo("not-stored");
    }

    @Test
    void aScanTheBrokerDidNotTakeIsAnsweredRetryLater() {
        when(publisher.publish(eq(Topics.CARRIER_SCANS), any(), any()))
                .thenReturn(CompletableFuture.failedFuture(new TimeoutException("no broker")));

        as("ups-integration", "CARRIER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("ACCEPTED"))
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "1")
                .expectBody().jsonPath("$.code").isEqualTo("not-stored");
    }
}
