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
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.topics.Topics;
import market.resale.shipping.config.ShippingSettings;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The webhook for carriers that push scans over HTTP instead of publishing to {@code carrier.scans}.
 * A scan is put on the same topic, keyed by order id, and applied like any other; the carrier hears
 * 202 only once the broker has it. A carrier may retry freely: the scan id makes a repeat harmless.
 */
@RestController
public class CarrierScansController {

    private static final String ID = "[A-Za-z0-9._:-]{1,64}";

    public record ScanBody(@NotNull @Pattern(regexp = ID) String scanId,
                           @NotNull @Pattern(regexp = ID) String orderId,
                           @NotBlank @Size(max = 64) String trackingNumber,
                           @NotBlank @Size(max = 64) String carrier,
                           @NotNull ScanType scanType,
                           @NotNull Instant scannedAt) {
    }

    public record ScanAccepted(String scanId, String orderId, String status) {
    }

    private final EventPublisher publisher;
    private final ShippingSettings settings;

    public CarrierScansController(EventPublisher publisher, ShippingSettings settings) {
        this.publisher = publisher;
        this.settings = settings;
    }

    @Operation(summary = "Report a carrier scan of a parcel (carriers only); it is applied to the order's shipment like any other scan",
            description = "Answered 202 once the broker has the scan, before it is applied. Retrying with the same `scanId` "
                    + "is harmless: a repeated scan changes nothing.")
    @ApiResponse(responseCode = "202", description = "Stored; it will be applied to the order's shipment",
            content = @Content(schema = @Schema(implementation = ScanAccepted.class)))
    @PostMapping(path = "/carrier/scans", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<ScanAccepted>> scan(@Valid @RequestBody ScanBody body, Authentication auth) {
        if (!Caller.of(auth).is(Role.CARRIER)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "Only a carrier may post scans");
        }
        var scan = CarrierScan.newBuilder()
                .setScanId(body.scanId()).setOrderId(body.orderId())
                .setTrackingNumber(body.trackingNumber()).setCarrier(body.carrier())
                .setScanType(body.scanType()).setScannedAt(body.scannedAt())
                .build();
        return CommandFlow.store(() -> publisher.publish(Topics.CARRIER_SCANS, body.orderId(), scan), settings.publishTimeout(),
                        "Retry it with the same scanId.")
                .thenReturn(ResponseEntity.accepted().body(new ScanAccepted(body.scanId(), body.orderId(), "ACCEPTED")));
    }
}
