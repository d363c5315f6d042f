package market.resale.support.domain;

/** The result of asking a case to change: the changed case, the same case (nothing new), or a refusal. */
public sealed interface Change {

    record Applied(SupportCase after) implements Change {
    }

    record Unchanged(SupportCase current) implements Change {
    }

    record Refused(Refusal refusal, String detail) implements Change {
    }
}
