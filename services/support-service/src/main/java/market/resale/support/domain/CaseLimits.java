package market.resale.support.domain;

/** How much evidence one case takes: its whole state is one record in a changelog, so it is bounded. */
public record CaseLimits(int maxEvidence, int maxFiles) {
}
