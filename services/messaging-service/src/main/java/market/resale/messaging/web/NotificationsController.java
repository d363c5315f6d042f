package market.resale.messaging.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;
import java.util.UUID;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.InboxEntry;
import market.resale.messaging.domain.InboxSummary;
import market.resale.messaging.stream.MessagingTopology;
import market.resale.messaging.stream.NotificationFeed;
import market.resale.platform.kafka.EventPublisher;
import market.resale.platform.kafka.KeyOwnerRouter;
import market.resale.platform.security.Caller;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import market.resale.platform.web.OwnerRouting;
import market.resale.schemas.messaging.InboxAction;
import market.resale.schemas.messaging.InboxCommand;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The caller's own notifications: the inbox (answered by the instance that owns the caller's user
 * id), read marks, and a live stream of new ones (answered by whichever instance the caller reached).
 */
@RestController
@Validated
public class NotificationsController {

    private final KeyOwnerRouter router;
    private final OwnerRouting routing;
    private final EventPublisher publisher;
    private final NotificationFeed feed;
    private final MessagingSettings settings;
    private final Clock clock;
    private final CommandFlow commands;

    public NotificationsController(KeyOwnerRouter router, OwnerRouting routing, EventPublisher publisher, NotificationFeed feed,
                                   MessagingSettings settings, Clock clock, CommandFlow commands) {
        this.commands = commands;
        this.router = router;
        this.routing = routing;
        this.publisher = publisher;
        this.feed = feed;
        this.settings = settings;
        this.clock = clock;
    }

    @Operation(summary = "The caller's own notifications, newest first, optionally only the unread ones, with the unread count")
    @ApiResponse(responseCode = "200", description = "A page of the inbox", content = @Content(schema = @Schema(implementation = Views.Inbox.class)))
    @GetMapping(path = "/notifications", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<?>> inbox(@RequestParam(defaultValue = "false") boolean unread,
                                         @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
                                         @RequestParam(defaultValue = "20") @Min(1) @Max(100) int size,
                                         Authentication auth, ServerHttpRequest request) {
        var userId = OwnerRouting.checkId(Caller.of(auth).userId());
        return routing.answer(MessagingTopology.INBOX_SUMMARIES_STORE, userId, request, null, () -> {
            var lines = new ArrayList<Views.NotificationView>();
            long skip = (long) page * size;
            var hasMore = false;
            try (var it = router.<InboxEntry>localStore(MessagingTopology.INBOX_STORE)
                    .prefixScan(MessagingTopology.inboxPrefix(userId), Serdes.String().serializer())) {
                while (it.hasNext()) {
                    var entry = it.next().value;
                    if (unread && !entry.unread()) {
                        continue;
                    }
                    if (skip > 0) {
                        skip--;
                    } else if (lines.size() < size) {
                        lines.add(Views.of(entry));
                    } else {
                        hasMore = true;
                        break;
                    }
                }
            }
            return Mono.just(ResponseEntity.ok(new Views.Inbox(userId, summary(userId).unread(), lines, page, size, hasMore)));
        });
    }

    @Operation(summary = "Mark one of the caller's own notifications read",
            description = "Not applied within a few seconds: 202; the mark follows shortly (the Location header is the inbox).")
    @ApiResponse(responseCode = "200", description = "The notification, read",
            content = @Content(schema = @Schema(implementation = Views.NotificationView.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not applied yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = Views.Pending.class)))
    @PostMapping("/notifications/{notificationId}/read")
    public Mono<ResponseEntity<?>> read(@PathVariable String notificationId, Authentication auth, ServerHttpRequest request) {
        var userId = OwnerRouting.checkId(Caller.of(auth).userId());
        OwnerRouting.checkId(notificationId);
        return routing.answer(MessagingTopology.INBOX_SUMMARIES_STORE, userId, request, null, () -> {
            var current = entry(userId, notificationId);
            if (current == null) {
                throw ApiProblem.notFound("Notification");
            }
            if (!current.unread()) {
                return Mono.just(ResponseEntity.ok(Views.of(current)));
            }
            var command = command(userId, InboxAction.MARK_READ, notificationId);
            // Read once the mark's processing committed (a mark is no decision: it records no source of its own).
            return commands.submit(() -> publisher.publish(Topics.INBOX_COMMANDS, userId, command), "Retry shortly.",
                            CommandFlow.Outcomes.of(() -> Optional.ofNullable(entry(userId, notificationId)).filter(e -> !e.unread()),
                                    e -> null), settings.decisionWait())
                    .map(read -> read.<ResponseEntity<?>>map(e -> ResponseEntity.ok(Views.of(e)))
                            .orElseGet(() -> pending(command)));
        });
    }

    @Operation(summary = "Mark all of the caller's own notifications read",
            description = "Not applied within a few seconds: 202; the marks follow shortly (the Location header is the inbox).")
    @ApiResponse(responseCode = "200", description = "Done, with the unread count after",
            content = @Content(schema = @Schema(implementation = Views.ReadAll.class)))
    @ApiResponse(responseCode = "202", description = "Stored, not applied yet: follow the Location header",
            content = @Content(schema = @Schema(implementation = Views.Pending.class)))
    @PostMapping("/notifications/read-all")
    public Mono<ResponseEntity<?>> readAll(Authentication auth, ServerHttpRequest request) {
        var userId = OwnerRouting.checkId(Caller.of(auth).userId());
        return routing.answer(MessagingTopology.INBOX_SUMMARIES_STORE, userId, request, null, () -> {
            var command = command(userId, InboxAction.MARK_ALL_READ, null);
            var requestedAt = command.getRequestedAt().toEpochMilli();
            return commands.submit(() -> publisher.publish(Topics.INBOX_COMMANDS, userId, command), "Retry shortly.",
                            CommandFlow.Outcomes.of(() -> Optional.of(summary(userId))
                                    .filter(s -> s.readAllApplied(command.getCommandId(), requestedAt)), s -> null),
                            settings.decisionWait())
                    .map(applied -> applied.<ResponseEntity<?>>map(s -> ResponseEntity.ok(new Views.ReadAll(userId, s.unread())))
                            .orElseGet(() -> pending(command)));
        });
    }

    /**
     * The caller's new notifications as server-sent events ({@code event: notification}, {@code id} the
     * notification id), with a comment every {@code stream-heartbeat} so that idle connections stay open.
     * It ends when the instance shuts down; the client reconnects (to any instance) and reads what it
     * missed from the inbox.
     */
    @Operation(summary = "The caller's own new notifications, live, as server-sent events",
            description = "A `:connected` comment, then `event: notification` with `id` the notification id and `data` the "
                    + "notification, and a `:heartbeat` comment at a fixed interval (15 s by default). It shows only what "
                    + "happens while it is open: after reconnecting (to any instance), read what was missed from "
                    + "`GET /notifications?unread=true`.")
    @ApiResponse(responseCode = "200", description = "The event stream; each event's data is a notification",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = Views.NotificationView.class)))
    @GetMapping(path = "/notifications/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<Views.NotificationView>> stream(Authentication auth) {
        var userId = OwnerRouting.checkId(Caller.of(auth).userId());
        return feed.live(userId)
                .map(n -> ServerSentEvent.builder(Views.of(n)).id(n.getNotificationId()).event("notification").build())
                .publish(live -> Flux.merge(
                        Flux.just(ServerSentEvent.<Views.NotificationView>builder().comment("connected").build()),
                        live,
                        Flux.interval(settings.streamHeartbeat())
                                .map(tick -> ServerSentEvent.<Views.NotificationView>builder().comment("heartbeat").build())
                                .takeUntilOther(live.ignoreElements())));
    }

    private InboxCommand command(String userId, InboxAction action, String notificationId) {
        return InboxCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setUserId(userId).setAction(action)
                .setNotificationId(notificationId).setRequestedAt(clock.instant()).build();
    }

    private static ResponseEntity<?> pending(InboxCommand command) {
        return ResponseEntity.accepted().location(URI.create("/notifications"))
                .body(new Views.Pending(command.getCommandId(), "PENDING"));
    }

    private InboxEntry entry(String userId, String notificationId) {
        var key = router.<String>localStore(MessagingTopology.INBOX_INDEX_STORE)
                .get(MessagingTopology.inboxIndexKey(userId, notificationId));
        return key == null ? null : router.<InboxEntry>localStore(MessagingTopology.INBOX_STORE).get(key);
    }

    private InboxSummary summary(String userId) {
        var summary = router.<InboxSummary>localStore(MessagingTopology.INBOX_SUMMARIES_STORE).get(userId);
        return summary == null ? InboxSummary.empty(userId) : summary;
    }
}
