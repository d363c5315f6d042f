package market.resale.credits.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AccountTest {

    @Test
    void aRedemptionOfTheWholeBalanceLeavesZero() {
        var account = Account.open("u").credit("USD", 500);

        var result = account.redeem("USD", 500);

        assertThat(result).isInstanceOfSatisfying(Account.Redemption.Done.class,
                done -> assertThat(done.account().balance("USD")).isZero());
    }

    @Test
    void aRedemptionAboveTheBalanceIsRefusedAndChangesNothing() {
        var account = Account.open("u").credit("USD", 500);

        var result = account.redeem("USD", 501);

        assertThat(result).isEqualTo(new Account.Redemption.Refused(Account.RefusalCode.INSUFFICIENT_BALANCE, account));
    }

    @Test
    void nonPositiveAmountsAreNeitherCreditedNorRedeemed() {
        var account = Account.open("u").credit("USD", 500);

        assertThat(account.redeem("USD", 0)).isInstanceOf(Account.Redemption.Refused.class);
        assertThat(account.redeem("USD", -1)).isInstanceOf(Account.Redemption.Refused.class);
        assertThatThrownBy(() -> account.credit("USD", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOverflowingCreditFailsRatherThanWrapping() {
        var account = Account.open("u").credit("USD", Long.MAX_VALUE);

        assertThatThrownBy(() -> account.credit("USD", 1)).isInstanceOf(ArithmeticException.class);
    }
}
