package market.resale.messaging.stream;

import java.time.Instant;
import market.resale.messaging.config.MessagingSettings;
import market.resale.messaging.domain.ResponsivenessRule;
import market.resale.platform.kafka.Outbound;
import market.resale.platform.kafka.ProcessorScope;
import market.resale.schemas.messaging.SellerNonResponsive;
import market.resale.schemas.topics.Topics;

/**
 * The non-responsive-seller timer (rule 4). On each tick it reads only the entries of the check index that are due,
 * so its cost follows the number of episodes falling due, not the number of open conversations. It judges due-ness
 * by the injected clock, not by the punctuation's timestamp, so that tests and system tests can move time by 24
 * hours explicitly.
 */
final class SellerChecks {

    private final ProcessorScope scope;
    private final ConversationBook book;
    private final MessagingSettings settings;
    private final ResponsivenessRule rule;

    SellerChecks(ProcessorScope scope, ConversationBook book, MessagingSettings settings) {
        this.scope = scope;
        this.book = book;
        this.settings = settings;
        this.rule = settings.nonResponsive().rule();
    }

    /**
     * Publishes the episodes that have become due, oldest first, at most a batch per tick. Due-ness is judged on the
     * business clock ({@code now}); the records it writes carry the stream's wall-clock time ({@code recordTime}),
     * since the broker refuses timestamps far ahead of its own.
     */
    void check(long now, long recordTime) {
        for (var due : book.checks().takeDue(now, settings.nonResponsive().checkBatch())) {
            var orderId = due.key();
            var conversation = book.stored(orderId);
            var episode = conversation == null ? null : conversation.episode();
            if (episode == null || episode.checkAt() == null || episode.checkAt() != due.at()) {
                continue; // answered, cancelled or rescheduled since
            }
            if (!rule.nonResponsive(conversation, now)) {
                book.put(conversation.withEpisode(episode.checkingAt(null)));
                continue;
            }
            // The requests waiting for this seller show that they were escalated (rule 4: support takes it up).
            book.put(conversation.withEpisode(episode.asReported()).escalated(episode.episodeId(), now));
            var unanswered = conversation.unanswered().stream().limit(settings.nonResponsive().quoted()).map(MessageRecords::quoted).toList();
            scope.emit(orderId, Outbound.to(Topics.SELLER_NON_RESPONSIVE, SellerNonResponsive.newBuilder()
                    .setOrderId(orderId).setBuyerId(conversation.buyerId()).setSellerId(conversation.sellerId())
                    .setEpisodeId(episode.episodeId()).setUnanswered(unanswered)
                    .setFirstUnansweredAt(Instant.ofEpochMilli(episode.firstUnansweredAt()))
                    .setDetectedAt(Instant.ofEpochMilli(now))
                    .build()), recordTime);
            scope.count("seller_non_responsive_total");
        }
    }
}
