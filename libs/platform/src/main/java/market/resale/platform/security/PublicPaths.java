package market.resale.platform.security;

import java.util.List;
import java.util.stream.Stream;

/**
 * Endpoints anyone may call, without a token. The platform's own are the OpenAPI document's ({@link #PLATFORM}); a
 * service declares its own as a bean of this type (support-service: its console's page and settings, which hold no
 * data). Everything else but the actuator's health and metrics needs a bearer token.
 */
public record PublicPaths(List<String> patterns) {

    public static final PublicPaths PLATFORM = new PublicPaths(List.of("/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/**"));

    public PublicPaths {
        patterns = List.copyOf(patterns);
    }

    /** The platform's public paths and the service's. */
    public static List<String> all(Stream<PublicPaths> declared) {
        return Stream.concat(Stream.of(PLATFORM), declared).flatMap(p -> p.patterns().stream()).distinct().toList();
    }
}
