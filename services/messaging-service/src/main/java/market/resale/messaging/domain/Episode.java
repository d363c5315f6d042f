package market.resale.messaging.domain;

/**
 * The time since the buyer's first unanswered entry; a seller entry ends it. {@code checkAt} is when
 * the non-responsive timer looks at it next (null: not scheduled); {@code reported} once it was published.
 */
public record Episode(String episodeId, long firstUnansweredAt, Long checkAt, boolean reported) {

    public static Episode start(Message first) {
        return new Episode(Ids.episodeId(first.orderId(), first.messageId()), first.sentAt(), null, false);
    }

    public Episode checkingAt(Long at) {
        return new Episode(episodeId, firstUnansweredAt, at, reported);
    }

    public Episode asReported() {
        return new Episode(episodeId, firstUnansweredAt, null, true);
    }
}
