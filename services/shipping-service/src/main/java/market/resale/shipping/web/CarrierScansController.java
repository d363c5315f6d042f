package market.resale.shipping.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.config.ShippingSettings;
import market.resale.shipping.domain.Shipment;
import market.resale.shipping.stream.ShippingTopology;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook for carriers that push scans over HTTP instead of publishing to {@code carrier.scans}.
 * A scan is put on the same topic, keyed by order id, and applied like any other; the carrier hears
 * 202 only once the broker has it. A carrier may retry freely: the scan id makes a repeat harmless.
 * A carrier's client speaks for one carrier (its token's {@code carrier} claim): it may report scans in
 * that carrier's name only, and none for a parcel another carrier already scanned (403 problem+json).
 */
@RestController
public class CarrierScansController {

    private static final String ID = "[A-Za-z0-9._:-]{1,64}";
    /** A carrier's clock reads a time in this century: anything else (a negative epoch, 1e309) is a broken scan. */
    private static final Instant EARLIEST_SCAN = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST_SCAN = Instant.parse("2100-01-01T00:00:00Z");

    public record ScanBody(@NotNull @Pattern(regexp = ID) String scanId,
                           @NotNull @Pattern(regexp = ID) String orderId,
                           @NotBlank @Size(max = 64) String trackingNumber,
                           @NotBlank @Size(max = 64) String carrier,
                           @NotNull ScanType scanType,
                           @NotNull Instant scannedAt) {
    }

    public record ScanAccepted(String scanId, String orderId, String status) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EventPublisher publisher;
    private final ShippingSettings settings;
    private final KeyOwnerRouter router;
    private final OwnerRouting routing;

    public CarrierScansController(EventPublisher publisher, ShippingSettings settings, KeyOwnerRouter router, OwnerRouting routing) {
        this.publisher = publisher;
        this.settings = settings;
        this.router = router;
        this.routing = routing;
    }

    @Operation(summary = "Report a carrier scan of a parcel (carriers only); it is applied to the order's shipment like any other scan",
            description = "Answered 202 once the broker has the scan, before it is applied. Retrying with the same `scanId` "
                    + "is harmless: a repeated scan changes nothing.")
    @ApiResponse(responseCode = "202", description = "Stored; it will be applied to the order's shipment",
            content = @Content(schema = @Schema(implementation = ScanAccepted.class)))
    @ApiResponse(responseCode = "403", description = "`forbidden`: not a carrier's client; `not-your-carrier`: the scan names "
            + "another carrier than the token's; `not-your-parcel`: another carrier scanned this parcel")
    @PostMapping(path = "/carrier/scans", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> scan(@Valid @RequestBody ScanBody body, Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        if (body.scanType() == ScanType.UNKNOWN) {
            // UNKNOWN is what this service reads a scan type newer than itself as, never one a carrier reports.
            throw ApiProblem.invalidField("invalid-request", "scanType", "UNKNOWN is not a scan type a carrier reports");
        }
        if (body.scannedAt().isBefore(EARLIEST_SCAN) || !body.scannedAt().isBefore(LATEST_SCAN)) {
            throw ApiProblem.invalidField("invalid-request", "scannedAt", "scannedAt must be a time between "
                    + EARLIEST_SCAN + " and " + LATEST_SCAN);
        }
        if (!caller.is(Role.CARRIER) || caller.carrier() == null) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Only a carrier's client may post scans");
        }
        if (!caller.isCarrier(body.carrier())) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "not-your-carrier", "This client reports scans for " + caller.carrier()
                    + " only").with("field", "carrier");
        }
        // The shipment's owner checks that no other carrier has the parcel (the first scan binds it to its carrier).
        return routing.answer(ShippingTopology.SHIPMENTS_STORE, body.orderId(), request, JSON.writeValueAsBytes(body), () -> {
            var shipment = router.<Shipment>localStore(ShippingTopology.SHIPMENTS_STORE).get(body.orderId());
            if (shipment != null && shipment.carrier() != null && !shipment.carrier().equals(caller.carrier())) {
                throw ShipmentsController.notYourParcel(body.orderId());
            }
            var scan = CarrierScan.newBuilder()
                    .setScanId(body.scanId()).setOrderId(body.orderId())
                    .setTrackingNumber(body.trackingNumber()).setCarrier(body.carrier())
                    .setScanType(body.scanType()).setScannedAt(body.scannedAt())
                    .build();
            return CommandFlow.store(() -> publisher.publish(Topics.CARRIER_SCANS, body.orderId(), scan), settings.publishTimeout(),
                            "Retry it with the same scanId.")
                    .thenReturn(ResponseEntity.accepted().body(new ScanAccepted(body.scanId(), body.orderId(), "ACCEPTED")));
        });
    }
}
