package market.resale.shipping;

import java.time.Instant;
import market.resale.schemas.RecordMother;
import market.resale.schemas.carrier.CarrierScan;
import market.resale.schemas.carrier.ScanType;
import market.resale.schemas.checkout.OrderPlaced;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.shipping.domain.Cancellation;
import market.resale.shipping.domain.Scan;

/** Test data: an order as checkout publishes it, its carrier scans, and its cancellation by orders-service. */
public final class ShipmentMother {

    public static final Instant PLACED_AT = RecordMother.PLACED_AT;
    public static final String BUYER = RecordMother.BUYER_ID;
    public static final String SELLER = RecordMother.SELLER_ID;
    public static final String TRACKING = "1Z999AA10123456784";
    public static final String CARRIER = "UPS";

    private ShipmentMother() {
    }

    public static OrderPlaced.Builder placed(String orderId) {
        return RecordMother.orderPlaced(orderId);
    }

    /** A scan with id {@code <orderId>-<type>}: the same type for the same order is the same scan. */
    public static CarrierScan.Builder scan(String orderId, ScanType type, Instant at) {
        return CarrierScan.newBuilder().setScanId(orderId + "-" + type.name().toLowerCase()).setOrderId(orderId)
                .setTrackingNumber(TRACKING).setCarrier(CARRIER).setScanType(type).setScannedAt(at);
    }

    public static OrderCancelled.Builder cancelled(String orderId, Instant at) {
        return RecordMother.orderCancelled(orderId, at);
    }

    /** The domain's view of {@link #scan}. */
    public static Scan domainScan(String orderId, market.resale.shipping.domain.ScanType type, Instant at) {
        return new Scan(orderId + "-" + type.name().toLowerCase(), type, TRACKING, CARRIER, at.toEpochMilli());
    }

    public static Cancellation cancellation(String orderId, Instant at) {
        return new Cancellation("cmd-" + orderId, at.toEpochMilli());
    }

    /** A caller as the services see one: a validated token with its subject, role and (a carrier's client) carrier claim. */
    public static org.springframework.security.core.Authentication caller(String userId, String role, String carrier) {
        var jwt = org.springframework.security.oauth2.jwt.Jwt.withTokenValue("token").header("alg", "RS256").subject(userId)
                .claim("roles", java.util.List.of(role));
        if (carrier != null) {
            jwt.claim("carrier", carrier);
        }
        return new org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken(jwt.build(),
                java.util.List.of(new org.springframework.security.core.authority.SimpleGrantedAuthority("ROLE_" + role)));
    }
}
