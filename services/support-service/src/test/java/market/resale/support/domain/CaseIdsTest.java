package market.resale.support.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CaseIdsTest {

    @Test
    void aCaseIdNamesItsOrder() {
        var caseId = CaseIds.of("order:with:colons-1", CaseType.DISPUTE, 12);

        assertThat(caseId).isEqualTo("order:with:colons-1:DI12");
        assertThat(CaseIds.orderIdOf(caseId)).contains("order:with:colons-1");
        assertThat(CaseIds.wellFormed(caseId)).isTrue();
    }

    @Test
    void aLongOrderIdIsHashedAndFoundThroughTheSummaries() {
        var longOrder = "o".repeat(62);
        var caseId = CaseIds.of(longOrder, CaseType.COMPLAINT, 1);

        assertThat(caseId).hasSizeLessThanOrEqualTo(64).matches("h[0-9a-f]{40}:co1");
        assertThat(CaseIds.orderIdOf(caseId)).isEqualTo(Optional.empty());
        assertThat(CaseIds.wellFormed(caseId)).isTrue();
    }

    @Test
    void somethingElseIsNoCaseId() {
        assertThat(CaseIds.wellFormed("order-1")).isFalse();
        assertThat(CaseIds.wellFormed(":CR1")).isFalse();
        assertThat(CaseIds.orderIdOf("order-1:XX1")).isEmpty();
    }
}
