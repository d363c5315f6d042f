package market.resale.messaging.domain;

import java.time.Duration;

/**
 * Rule 4: a seller who leaves {@code unanswered} buyer entries (messages or requests) unanswered for
 * {@code after} since the first of them is non-responsive, once per episode.
 */
public record ResponsivenessRule(int unanswered, Duration after) {

    public ResponsivenessRule {
        if (unanswered < 1 || after.isNegative()) {
            throw new IllegalArgumentException("unanswered must be at least 1 and after not negative");
        }
    }

    public boolean nonResponsive(Conversation conversation, long now) {
        var episode = conversation.episode();
        return !conversation.cancelled() && episode != null && !episode.reported()
                && conversation.unansweredCount() >= unanswered
                && now >= episode.firstUnansweredAt() + after.toMillis();
    }

    /**
     * When the timer should look at this conversation next, or null when nothing can become due: at the
     * deadline of the episode, or right away when the entry that completes the count comes after it.
     */
    public Long nextCheck(Conversation conversation, long now) {
        var episode = conversation.episode();
        if (conversation.cancelled() || episode == null || episode.reported()) {
            return null;
        }
        var deadline = episode.firstUnansweredAt() + after.toMillis();
        if (conversation.unansweredCount() >= unanswered) {
            return Math.max(deadline, now);
        }
        // Not enough entries yet: the one that completes the count schedules the check again.
        return deadline > now ? Long.valueOf(deadline) : null;
    }
}
