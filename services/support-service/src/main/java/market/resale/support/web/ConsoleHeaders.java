package market.resale.support.web;

import java.util.stream.Collectors;
import java.util.stream.Stream;
import market.resale.support.config.ConsoleSettings;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A Content-Security-Policy for the console's page: its own scripts and styles only, calls only to this
 * service, the token issuer and the APIs it reads, images from here or from the files it loaded. The page holds
 * an agent's token; no injected script, inline or from elsewhere, may run beside it.
 */
@Component
public class ConsoleHeaders implements WebFilter {

    private final String policy;

    public ConsoleHeaders(ConsoleSettings settings) {
        var connect = Stream.of(settings.issuerUrl(), settings.ordersUrl(), settings.messagingUrl(), settings.creditsUrl())
                .distinct().collect(Collectors.joining(" "));
        this.policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' "
                + connect + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getPath().value().startsWith("/console/")) {
            exchange.getResponse().getHeaders().set("Content-Security-Policy", policy);
        }
        return chain.filter(exchange);
    }
}
