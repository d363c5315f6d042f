package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import market.resale.opstools.OpsTools;
import market.resale.orders.OrdersApplication;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ApicurioRegistry;
import market.resale.testsupport.KafkaSeam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Schema registration as a deploy step, on a registry of its own: a service run with auto-registration off (as in
 * docker-compose and k8s) refuses to start while the schemas it writes are not registered, naming them;
 * {@code ops-tools register-schemas} registers them (and again changes nothing); then the service starts. A schema the
 * registry refuses as incompatible fails the step, named. The contract subject {@code checkout.order-placed-value}
 * stays checkout's: the step never writes it.
 */
class SchemaRegistrationTest {

    static KafkaSeam kafka;
    static ApicurioRegistry registry;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void infrastructure() {
        kafka = KafkaSeam.shared();
        registry = ApicurioRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void aServiceStartsOnlyOnceTheDeployStepRegisteredItsSchemas() throws Exception {
        var properties = Map.<String, Object>of("app.kafka.auto-register-schemas", false);

        assertThatThrownBy(() -> ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-schemas",
                kafka.bootstrapServers(), registry.ccompatUrl(), properties))
                .rootCause().hasMessageContaining("Schemas this service writes are not registered")
                .hasMessageContaining("orders.order-cancelled-value (OrderCancelled)")
                .hasMessageContaining("ops-tools register-schemas");

        var first = opsTools("register-schemas", "--registry-url=" + registry.ccompatUrl());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains(Topics.written().size() + " of " + Topics.written().size() + " schemas");
        var again = opsTools("register-schemas", "--registry-url=" + registry.ccompatUrl());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).isEqualTo(first.out()); // the same ids: nothing new registered
        assertThat(subjectStatus(Topics.ORDER_PLACED.valueSubject())).as("checkout's subject").isEqualTo(404);

        try (var orders = ServiceProcess.start(OrdersApplication.class, "orders-service", "orders-schemas",
                kafka.bootstrapServers(), registry.ccompatUrl(), properties)) {
            await().atMost(Duration.ofSeconds(90)).until(orders::ready);
        }
    }

    @Test
    void aSchemaTheRegistryRefusesFailsTheStepNamingIt() throws Exception {
        try (var own = ApicurioRegistry.start()) {
            // What an incompatible earlier release left: our OrderCancelled cannot read it (BACKWARD).
            var subject = Topics.ORDER_CANCELLED.valueSubject();
            var earlier = "{\"schema\": \"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"OrderCancelled\\\",\\\"namespace\\\":"
                    + "\\\"market.resale.schemas.orders\\\",\\\"fields\\\":[{\\\"name\\\":\\\"legacy\\\",\\\"type\\\":\\\"string\\\"}]}\"}";
            var registered = HTTP.send(HttpRequest.newBuilder(URI.create(own.ccompatUrl() + "/subjects/" + subject + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(earlier)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);

            var check = opsTools("register-schemas", "--registry-url=" + own.ccompatUrl(), "--check=true");
            assertThat(check.exit()).isEqualTo(1);
            assertThat(check.err()).contains("missing " + subject);

            var step = opsTools("register-schemas", "--registry-url=" + own.ccompatUrl());
            assertThat(step.exit()).isEqualTo(1);
            assertThat(step.err()).contains("refused " + subject).doesNotContain("refused " + Topics.CREDIT_ISSUED.valueSubject());
            assertThat(step.out()).contains((Topics.written().size() - 1) + " of " + Topics.written().size());
        }
    }

    record Run(int exit, String out, String err) {
    }

    private static Run opsTools(String... args) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8); var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = OpsTools.run(args, o, e);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static int subjectStatus(String subject) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects/" + subject + "/versions")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
