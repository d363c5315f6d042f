package market.resale.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import market.resale.platform.kafka.DeadLetters;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * In containers the services log one JSON object per line (Elastic Common Schema, switched on by
 * {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} in docker-compose and k8s): the ids the services attach
 * to a log line (here a dead-lettered record's topic, key and reason) are fields of their own, which a
 * log pipeline can filter on without parsing the message.
 */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @SpringBootConfiguration
    static class NoBeans {
    }

    @Test
    void theKeyValuesOfALogLineAreFieldsOfItsJson(CapturedOutput output) {
        try (var app = new SpringApplicationBuilder(NoBeans.class).web(WebApplicationType.NONE)
                .properties("logging.structured.format.console=ecs", "spring.application.name=orders-service",
                        "spring.main.banner-mode=off")
                .run()) {
            var meters = new SimpleMeterRegistry();
            // As Micrometer Tracing leaves them in the MDC while a request or a traced record is handled.
            try (var trace = MDC.putCloseable("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
                 var span = MDC.putCloseable("spanId", "00f067aa0ba902b7")) {
                DeadLetters.counted(meters, "orders.cancel-commands", "order-42", DeadLetters.INVALID, "the command names no actor");
            }

            var line = Arrays.stream(output.getOut().split("\n"))
                    .filter(l -> l.startsWith("{") && l.contains("order-42")).reduce((a, b) -> b).orElseThrow();
            JsonNode json = JSON.readTree(line);
            assertThat(json.path("log").path("level").asString()).isEqualTo("WARN");
            assertThat(json.path("service").path("name").asString()).isEqualTo("orders-service");
            assertThat(json.path("recordKey").asString()).isEqualTo("order-42");
            assertThat(json.path("topic").asString()).isEqualTo("orders.cancel-commands");
            assertThat(json.path("reason").asString()).isEqualTo(DeadLetters.INVALID);
            assertThat(json.path("traceId").asString()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(json.path("spanId").asString()).isEqualTo("00f067aa0ba902b7");
            assertThat(json.path("message").asString()).contains("order-42").contains("the command names no actor");
            assertThat(meters.counter("dead_lettered_records_total", "topic", "orders.cancel-commands", "reason",
                    DeadLetters.INVALID).count()).isEqualTo(1.0);
        }
    }
}
