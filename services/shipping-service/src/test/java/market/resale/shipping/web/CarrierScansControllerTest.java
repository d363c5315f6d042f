package market.resale.shipping.web;

import market.resale.platform.web.ControllerHarness;
import static market.resale.shipping.ShipmentMother.PLACED_AT;
import static market.resale.shipping.ShipmentMother.scan;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import market.resale.platform.kafka.EventPublisher;
import market.resale.shipping.domain.Shipment;
import market.resale.shipping.stream.ShippingTopology;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.config.ShippingSettings;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The carrier webhook: what a carrier may send, and what it hears back. */
class CarrierScansControllerTest {

    private final ControllerHarness harness = new ControllerHarness();
    private final EventPublisher publisher = harness.publisher;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        ReadOnlyKeyValueStore<String, Shipment> store = harness.store(ShippingTopology.SHIPMENTS_STORE);
        // o-2's parcel was scanned by UPS already.
        var policy = new market.resale.shipping.domain.ShipmentPolicy(50, 500);
        var scanned = policy.scanned(policy.placed(Shipment.start("o-2"), "buyer-ann", "seller-bob").shipment(),
                market.resale.shipping.ShipmentMother.domainScan("o-2", market.resale.shipping.domain.ScanType.ACCEPTED, PLACED_AT), 0).shipment();
        when(store.get("o-2")).thenReturn(scanned);
    }

    private WebTestClient as(String userId, String role) {
        return as(userId, role, role.equals("CARRIER") ? "UPS" : null);
    }

    private WebTestClient as(String userId, String role, String carrier) {
        return ControllerHarness.client(market.resale.shipping.ShipmentMother.caller(userId, role, carrier),
                new CarrierScansController(publisher, new ShippingSettings(50, 500, Duration.ofSeconds(1), Duration.ofDays(30)),
                        harness.router, harness.routing()));
    }

    private static Map<String, Object> body(String scanType) {
        return Map.of("scanId", "o-1-accepted", "orderId", "o-1", "trackingNumber", "1Z999AA10123456784",
                "carrier", "UPS", "scanType", scanType, "scannedAt", PLACED_AT.toString());
    }

    @Test
    void aScanTimeNoCarrierClockReadsIsABadRequestNamingTheFieldAndNothingIsSent() {
        for (var json : new String[] {"1e309", "-62135596800", "\"1900-01-01T00:00:00Z\"", "\"2200-01-01T00:00:00Z\""}) {
            as("ups-integration", "CARRIER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"scanId\":\"o-1-accepted\",\"orderId\":\"o-1\",\"trackingNumber\":\"1Z9\",\"carrier\":\"UPS\","
                            + "\"scanType\":\"ACCEPTED\",\"scannedAt\":" + json + "}")
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.fields.scannedAt").exists();
        }
        verify(publisher, org.mockito.Mockito.never()).publish(any(), any(), any());
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
    void anUnknownScanTypeNamesTheFieldAndTheTypesAllowed() {
        as("ups-integration", "CARRIER").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("TELEPORTED"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("invalid-request")
                .jsonPath("$.fields.scanType").isEqualTo("must be one of LABEL_CREATED, ACCEPTED, IN_TRANSIT, OUT_FOR_DELIVERY, "
                        + "DELIVERED, RETURNED_TO_SENDER")
                .jsonPath("$.allowedValues.scanType[0]").isEqualTo("LABEL_CREATED");

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

    /** Issue 16, point 1: a carrier's client speaks for its own carrier, and for no parcel of another. */
    @Test
    void aCarrierReportsItsOwnParcelsOnly() {
        when(publisher.publish(any(), any(), any())).thenReturn(CompletableFuture.completedFuture(null));

        as("usps-integration", "CARRIER", "USPS").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("ACCEPTED"))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("not-your-carrier");
        as("ups-integration", "CARRIER", null).post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body("ACCEPTED"))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("forbidden");
        var usps = new java.util.HashMap<>(body("IN_TRANSIT"));
        usps.put("orderId", "o-2");
        usps.put("carrier", "USPS");
        as("usps-integration", "CARRIER", "USPS").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(usps)
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("not-your-parcel");
        verify(publisher, never()).publish(any(), any(), any());

        usps.put("carrier", "UPS");
        as("ups-integration", "CARRIER", "UPS").post().uri("/carrier/scans").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(usps)
                .exchange()
                .expectStatus().isAccepted();
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
