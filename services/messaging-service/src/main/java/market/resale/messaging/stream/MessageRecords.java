package market.resale.messaging.stream;

import java.time.Instant;
import market.resale.messaging.domain.Message;
import market.resale.schemas.messaging.ConversationMessage;
import market.resale.schemas.messaging.MessageKind;
import market.resale.schemas.messaging.MessageRef;
import market.resale.schemas.messaging.ParticipantRole;
import market.resale.schemas.orders.CancelReason;

/** The one mapping between messaging-service's domain values and its Avro records. */
final class MessageRecords {

    private MessageRecords() {
    }

    /** An entry as published on {@code messaging.conversation-messages}. */
    static ConversationMessage published(Message m) {
        return ConversationMessage.newBuilder()
                .setMessageId(m.messageId()).setOrderId(m.orderId()).setSeq(m.seq())
                .setSenderId(m.senderId()).setSenderRole(ParticipantRole.valueOf(m.senderRole().name()))
                .setKind(kind(m)).setText(m.text()).setReason(reason(m.reason()))
                .setRequestId(m.requestId()).setSentAt(Instant.ofEpochMilli(m.sentAt()))
                .build();
    }

    /** An entry quoted as evidence of a non-responsive seller. */
    static MessageRef quoted(Message m) {
        return MessageRef.newBuilder().setMessageId(m.messageId()).setSenderId(m.senderId()).setKind(kind(m))
                .setText(m.text()).setSentAt(Instant.ofEpochMilli(m.sentAt())).build();
    }

    /** A request's reason, kept as the Avro symbol's name. */
    static CancelReason reason(String reason) {
        return reason == null ? null : CancelReason.valueOf(reason);
    }

    private static MessageKind kind(Message m) {
        return MessageKind.valueOf(m.kind().name());
    }
}
