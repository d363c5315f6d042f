package market.resale.shipping.web;

import market.resale.platform.web.ControllerHarness;
import static market.resale.shipping.ShipmentMother.BUYER;
import static market.resale.shipping.ShipmentMother.PLACED_AT;
import static market.resale.shipping.ShipmentMother.SELLER;
import static market.resale.shipping.ShipmentMother.domainScan;
import static org.mockito.Mockito.when;

import java.util.List;
import market.resale.shipping.domain.ScanType;
import market.resale.shipping.domain.Shipment;
import market.resale.shipping.domain.ShipmentPolicy;
import market.resale.shipping.stream.ShippingTopology;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Who sees an order's shipment: its parties, support and carriers; nobody else learns it exists. */
class ShipmentsControllerTest {

    private static final ShipmentPolicy POLICY = new ShipmentPolicy(50, 500);

    private final ControllerHarness harness = new ControllerHarness();

    @BeforeEach
    @SuppressWarnings("unchecked")
    void setUp() {
        ReadOnlyKeyValueStore<String, Shipment> store = harness.store(ShippingTopology.SHIPMENTS_STORE);
        var shipment = POLICY.placed(Shipment.start("o-1"), BUYER, SELLER).shipment();
        shipment = POLICY.scanned(shipment, domainScan("o-1", ScanType.IN_TRANSIT, PLACED_AT.plusSeconds(600)), 0).shipment();
        shipment = POLICY.scanned(shipment, domainScan("o-1", ScanType.ACCEPTED, PLACED_AT.plusSeconds(300)), 0).shipment();
        when(store.get("o-1")).thenReturn(shipment);
    }

    private WebTestClient.ResponseSpec get(String userId, String role) {
        return get(userId, role, null);
    }

    private WebTestClient.ResponseSpec get(String userId, String role, String carrier) {
        return ControllerHarness.client(market.resale.shipping.ShipmentMother.caller(userId, role, carrier),
                        new ShipmentsController(harness.router, harness.routing()))
                .get().uri("/orders/o-1/shipment").exchange();
    }

    @Test
    void theBuyerSeesTheShipmentWithItsScansInTheOrderTheyHappened() {
        get(BUYER, "BUYER").expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("SHIPPED")
                .jsonPath("$.trackingNumber").isEqualTo("1Z999AA10123456784")
                .jsonPath("$.shippedByScanId").isEqualTo("o-1-in_transit")
                .jsonPath("$.scans[*].scanType").isEqualTo(List.of("ACCEPTED", "IN_TRANSIT"));
    }

    @Test
    void theSellerSupportAndTheParcelsCarrierSeeIt() {
        get(SELLER, "SELLER").expectStatus().isOk();
        get("agent-1", "SUPPORT").expectStatus().isOk();
        get("ups-integration", "CARRIER", "UPS").expectStatus().isOk();
    }

    /** Issue 16, point 1: a carrier's client reads its own carrier's parcels only. */
    @Test
    void anotherCarrierGetsForbidden() {
        get("usps-integration", "CARRIER", "USPS").expectStatus().isForbidden()
                .expectHeader().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("not-your-parcel");
        get("some-carrier", "CARRIER", null).expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("not-your-parcel");
    }

    @Test
    void anotherBuyerGetsNotFound() {
        get("buyer-bob", "BUYER").expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not-found");
    }
}
