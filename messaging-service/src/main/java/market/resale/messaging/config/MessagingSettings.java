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
 */
@ConfigurationProperties("app.messaging")
public record MessagingSettings(
        @DefaultValue NonResponsive nonResponsive,
        @DefaultValue("5s") Duration decisionWait,
        @DefaultValue("2000") int maxMessageLength,
        @DefaultValue("500") int maxNoteLength,
        @DefaultValue("15s") Duration streamHeartbeat) {

    /**
     * @param unanswered    buyer messages or requests left unanswered
     * @param after         time since the first of them
     * @param checkInterval how often the timer looks for episodes that have become due
     * @param checkBatch    most episodes looked at per tick (keeps each transaction small)
     */
    public record NonResponsive(
            @DefaultValue("2") int unanswered,
            @DefaultValue("24h") Duration after,
            @DefaultValue("1s") Duration checkInterval,
            @DefaultValue("10000") int checkBatch) {

        public ResponsivenessRule rule() {
            return new ResponsivenessRule(unanswered, after);
        }
    }
}
