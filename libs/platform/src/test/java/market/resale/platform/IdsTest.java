package market.resale.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import market.resale.platform.security.JwtPolicy;
import market.resale.platform.web.ApiProblem;
import market.resale.platform.web.CommandFlow;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Issue 16, point 8: keys built from ids are unambiguous. A user id holding the key separator is refused where it would
 * enter (a token's subject, an upstream record), and a command id's owner is everything before its last ':' (the
 * Idempotency-Key holds none), so user {@code ann} cannot reach the commands of user {@code ann:x}.
 */
class IdsTest {

    @Test
    void aCommandBelongsToTheWholeUserIdBeforeItsKey() {
        var ofAnnX = CommandFlow.commandId("ann:x", "key-12345678");
        assertThatThrownBy(() -> CommandFlow.requireOwn("ann", ofAnnX)).isInstanceOf(ApiProblem.class);
        assertThatCode(() -> CommandFlow.requireOwn("ann:x", ofAnnX)).doesNotThrowAnyException();
        assertThatCode(() -> CommandFlow.requireOwn("ann", CommandFlow.commandId("ann", "key-12345678"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> CommandFlow.requireOwn("ann:x", CommandFlow.commandId("ann", "key-12345678")))
                .isInstanceOf(ApiProblem.class);
    }

    @Test
    void aTokenWhoseSubjectIsNotAnIdIsRefused() {
        var policy = new JwtPolicy();
        for (var subject : new String[] {"ann|x", "ann x", "ann/../bob", "a".repeat(65)}) {
            assertThat(policy.validate(token(subject)).hasErrors()).as(subject).isTrue();
        }
        assertThat(policy.validate(token("ann:x")).hasErrors()).isFalse();
        assertThat(policy.validate(token("buyer-ann.2")).hasErrors()).isFalse();
    }

    @Test
    void anOrdersIdsAreIds() {
        assertThat(Ids.orderProblem("o-1", "ann|x", "bob")).contains("buyerId");
        assertThat(Ids.orderProblem("o-1", "ann", "bob|y")).contains("sellerId");
        assertThat(Ids.orderProblem("o|1", "ann", "bob")).contains("orderId");
        assertThat(Ids.orderProblem("o-1", "ann", "ann")).contains("two different users");
        assertThat(Ids.orderProblem("o-1", "ann", "bob")).isNull();
    }

    private static Jwt token(String subject) {
        return Jwt.withTokenValue("t").header("alg", "RS256").subject(subject).expiresAt(Instant.now().plusSeconds(60)).build();
    }
}
