package market.resale.messaging.domain;

/** The answer to a conversation command. */
public sealed interface Decision {

    record Accepted() implements Decision {
    }

    /** The same command (or the same answer) was applied before: answer as then, change nothing. */
    record Repeated() implements Decision {
    }

    record Refused(Refusal refusal, String detail) implements Decision {
    }
}
