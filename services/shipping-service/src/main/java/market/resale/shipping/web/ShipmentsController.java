package market.resale.shipping.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.security.Role;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.OwnerRouting;
import market.resale.shipping.domain.Shipment;
import market.resale.shipping.stream.ShippingTopology;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * An order's shipment and its scans, answered by the instance that owns the order's partition
 * (others forward to it). Support and carriers see every shipment; a buyer or seller sees the
 * shipments of their own orders. Anyone else gets 404, whether or not it exists.
 */
@RestController
public class ShipmentsController {


    private final KeyOwnerRouter router;
    private final OwnerRouting routing;

    public ShipmentsController(KeyOwnerRouter router, OwnerRouting routing) {
        this.router = router;
        this.routing = routing;
    }

    @Operation(summary = "An order's shipment: status, tracking number, label, conflicts and scans in time order "
            + "(the order's buyer or seller, support, or a carrier)")
    @ApiResponse(responseCode = "200", description = "The shipment",
            content = @Content(schema = @Schema(implementation = ShipmentViews.ShipmentView.class)))
    @ApiResponse(responseCode = "403", description = "`not-your-parcel`: a carrier's client asked for another carrier's parcel")
    @GetMapping("/orders/{orderId}/shipment")
    public Mono<ResponseEntity<?>> shipment(@PathVariable String orderId, Authentication auth, ServerHttpRequest request) {
        var caller = Caller.of(auth);
        return routing.answer(ShippingTopology.SHIPMENTS_STORE, OwnerRouting.checkId(orderId), request, null, () -> {
            var shipment = router.<Shipment>localStore(ShippingTopology.SHIPMENTS_STORE).get(orderId);
            if (shipment == null || !(shipment.isParty(caller.userId()) || caller.is(Role.SUPPORT) || caller.is(Role.CARRIER))) {
                throw ApiProblem.notFound("Shipment of order " + orderId);
            }
            if (!shipment.isParty(caller.userId()) && !caller.is(Role.SUPPORT) && !caller.isCarrier(shipment.carrier())) {
                throw notYourParcel(orderId); // a carrier reads its own parcels only
            }
            return Mono.just(ResponseEntity.ok(ShipmentViews.of(shipment)));
        });
    }

    /** 403 {@code not-your-parcel}: a carrier's client about a parcel another carrier (or none yet) has. */
    static ApiProblem notYourParcel(String orderId) {
        return new ApiProblem(HttpStatus.FORBIDDEN, "not-your-parcel", "The parcel of order " + orderId
                + " is not with this client's carrier");
    }
}
