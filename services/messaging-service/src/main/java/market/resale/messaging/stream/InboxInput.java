package market.resale.messaging.stream;

import market.resale.schemas.messaging.InboxCommand;
import market.resale.schemas.messaging.Notification;

/** What changes a user's inbox, merged into one stream keyed by user. */
sealed interface InboxInput {

    record Delivered(Notification notification) implements InboxInput {
    }

    record Command(InboxCommand command) implements InboxInput {
    }
}
