package market.resale.support.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import market.resale.support.config.ConsoleSettings;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The support console's settings, read by its page ({@code /console/index.html}, a static file of this
 * service) before anything else: where to sign the agent in and which APIs to call. Public: it holds no data.
 */
@RestController
public class ConsoleController {

    public record ConsoleConfig(String issuerUrl, String clientId, String ordersUrl, String messagingUrl, String creditsUrl) {
    }

    private final ConsoleSettings settings;

    public ConsoleController(ConsoleSettings settings) {
        this.settings = settings;
    }

    @Operation(summary = "The support console's settings: the token issuer it signs agents in with, and the APIs it calls (no token needed)")
    @ApiResponse(responseCode = "200", description = "Where the console's page finds the issuer and the services",
            content = @Content(schema = @Schema(implementation = ConsoleConfig.class)))
    @GetMapping("/console/config")
    public ConsoleConfig config() {
        return new ConsoleConfig(settings.issuerUrl(), settings.clientId(), settings.ordersUrl(), settings.messagingUrl(),
                settings.creditsUrl());
    }
}
