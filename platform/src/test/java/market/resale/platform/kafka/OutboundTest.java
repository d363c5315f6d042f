package market.resale.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import market.resale.schemas.orders.Actor;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.CancelReason;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** A refused record's dead letter says where it came from, so that it can be re-driven there. */
class OutboundTest {

    @Test
    void aDeadLetterOfARefusedRecordNamesItsSourceTopic() {
        var serializer = Outbound.serde(SchemaRegistryClients.forSettings(RegistrySettings.of("mock://outbound-test"))).serializer();
        var command = CancelOrderCommand.newBuilder().setCommandId("c-1").setOrderId("o-1").setActor(Actor.BUYER)
                .setActorId("b-1").setReason(CancelReason.CHANGED_MIND).setRequestedAt(Instant.EPOCH).build();

        var headers = new RecordHeaders();
        serializer.serialize("orders-service.dlt", headers,
                Outbound.deadLetter("orders-service", Topics.CANCEL_COMMANDS.name(), command));
        assertThat(new String(headers.lastHeader(DeadLetters.SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
                .isEqualTo(Topics.CANCEL_COMMANDS.name());
        assertThat(new String(headers.lastHeader(DeadLetters.APPLICATION).value(), StandardCharsets.UTF_8)).isEqualTo("orders-service");

        // An ordinary event gets no such header.
        var plain = new RecordHeaders();
        serializer.serialize(Topics.CANCEL_COMMANDS.name(), plain, Outbound.to(Topics.CANCEL_COMMANDS, command));
        assertThat(plain.lastHeader(DeadLetters.SOURCE_TOPIC)).isNull();
    }
}
