package market.resale.messaging.config;

import java.time.Duration;
import market.resale.messaging.domain.ResponsivenessRule;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param nonResponsive     when a seller counts as non-responsive (rule 4) and how the timer looks for it
 * @param decisionWait      how long a write waits for the conversation processor's answer before answering 202
 * @param maxMessageLength  longest message text, in characters
 * @param maxNoteLength     longest note of a cancellation request or a decline
 * @param streamHeartbeat   how often a live notification stream sends a comment, so proxies keep it open
 * @param outcomeRetention  how long the answer to a conversation write is kept for a retry with the same
 *                          Idempotency-Key (or a redelivered command); then it is forgotten
 * @param maxEntriesPerOrder most entries an order's conversation takes from its parties: posting a message or a
 *                          request beyond it is refused ({@code conversation-limit-reached}); system notes still go in
 * @param maxRequestsPerOrder most cancellation requests one order takes ({@code request-limit-reached})
 * @param inboxRetention    how long a notification stays in its user's inbox (read or not); then it is forgotten
 */
@ConfigurationProperties("app.messaging")
public record MessagingSettings(
        @DefaultValue NonResponsive nonResponsive,
        @DefaultValue("5s") Duration decisionWait,
        @DefaultValue("2000") int maxMessageLength,
        @DefaultValue("500") int maxNoteLength,
        @DefaultValue("15s") Duration streamHeartbeat,
        @DefaultValue("7d") Duration outcomeRetention,
        @DefaultValue("1000") int maxEntriesPerOrder,
        @DefaultValue("20") int maxRequestsPerOrder,
        @DefaultValue("90d") Duration inboxRetention) {

    public MessagingSettings {
        if (outcomeRetention.isNegative() || outcomeRetention.isZero() || maxEntriesPerOrder < 1 || maxRequestsPerOrder < 1) {
            throw new IllegalArgumentException("app.messaging.outcome-retention, max-entries-per-order and "
                    + "max-requests-per-order must be positive");
        }
    }

    /**
     * @param unanswered    buyer messages or requests left unanswered
     * @param after         time since the first of them
     * @param checkInterval how often the timer looks for episodes that have become due
     * @param checkBatch    most episodes looked at per tick (keeps each transaction small)
     * @param quoted        most unanswered entries kept as quotes (and quoted in {@code SellerNonResponsive});
     *                      beyond it they are only counted, so the conversation record stays small
     */
    public record NonResponsive(
            @DefaultValue("2") int unanswered,
            @DefaultValue("24h") Duration after,
            @DefaultValue("1s") Duration checkInterval,
            @DefaultValue("10000") int checkBatch,
            @DefaultValue("20") int quoted) {

        public NonResponsive {
            if (quoted < 1) {
                throw new IllegalArgumentException("app.messaging.non-responsive.quoted must be at least 1");
            }
        }

        public ResponsivenessRule rule() {
            return new ResponsivenessRule(unanswered, after);
        }
    }
}
