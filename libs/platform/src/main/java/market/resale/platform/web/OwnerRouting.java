package market.resale.platform.web;

import java.util.function.Supplier;
import market.resale.platform.kafka.KeyOwnerRouter;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/**
 * Answers a request about one key of a state store on the instance that owns the key: locally when
 * this instance owns it (or the request was already forwarded here), otherwise by forwarding the
 * request unchanged and relaying the owner's answer. Every instance thus gives the same answer.
 */
public class OwnerRouting {

    /** The ids accepted in paths: what upstream apps use for orders and users. */
    public static final String ID = market.resale.platform.Ids.PATTERN;

    private final KeyOwnerRouter router;
    private final Forwarder forwarder;

    public OwnerRouting(KeyOwnerRouter router, Forwarder forwarder) {
        this.router = router;
        this.forwarder = forwarder;
    }

    public Mono<ResponseEntity<?>> answer(String store, String key, ServerHttpRequest request, byte[] body,
                                          Supplier<Mono<ResponseEntity<?>>> local) {
        if (!forwarder.alreadyForwarded(request)) {
            var owner = router.remoteOwner(store, key);
            if (owner.isPresent()) {
                return forwarder.forward(owner.get(), request, body).map(r -> (ResponseEntity<?>) r);
            }
        }
        return Mono.defer(local);
    }

    /** Refuses an id that cannot be one (400 invalid-id) before it reaches a store or a topic. */
    public static String checkId(String id) {
        if (!id.matches(ID)) {
            throw ApiProblem.badRequest("invalid-id", "Ids are 1-64 letters, digits, '.', '_', ':' or '-'");
        }
        return id;
    }
}
