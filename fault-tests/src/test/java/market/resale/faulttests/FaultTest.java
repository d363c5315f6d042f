package market.resale.faulttests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import market.resale.opstools.Reconciliation;
import market.resale.testsupport.ProcessStack;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.TrustedPackages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Each fault on the real stack (broker, registry and every service as separate processes) under a
 * steady load of orders, scans, cancellations and messages. After each: the reconciliation
 * (ops-tools) is CONSISTENT — every cancel command decided once, one credit per cancellation, credits
 * sum to refunds, no lag — and, from the clients' side, every accepted cancellation is decided, every
 * accepted message is in its conversation once, and every order of the load is in the state its events
 * justify. Each scenario runs on its own ({@code -Dtest=FaultTest#brokerRestart}) or all in a row on one
 * stack; figures go to {@code target/fault-report.md} and, by hand, to docs/reliability.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// Each scenario (and the stack's start) within its limit: a hung recovery fails its scenario, not CI's 90 minutes.
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FaultTest {

    /** Orders placed per second by the load; half of them cancelled, a fifth scanned, a tenth written about. */
    private static final int RATE = 8;
    /** Seconds of load before a fault, while the faulty part is down, and after it is back. */
    private static final int BEFORE = 8;
    private static final int DOWN = 4;
    private static final int AFTER = 8;
    private static final Path REPORT = Path.of("target", "fault-report.md");

    private static ProcessStack stack;
    private static Reconciliation reconciliation;

    @BeforeAll
    static void stack() throws IOException {
        TrustedPackages.register();
        stack = ProcessStack.forTests("fault-stack");
        stack.startAll();
        reconciliation = new Reconciliation(Map.of("bootstrap.servers", stack.bootstrapServers()),
                SchemaRegistryClients.forSettings(RegistrySettings.of(stack.registryUrl())));
        Files.createDirectories(REPORT.getParent());
        if (!Files.exists(REPORT)) {
            Files.writeString(REPORT, "| scenario | orders placed | cancellations accepted | messages accepted | in flight at the fault"
                    + " | client retries | longest client wait | down → ready | load stop → consistent | duplicates | losses"
                    + " | orders off their events |\n"
                    + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void killOrdersService() throws Exception {
        killAndRestart("orders-service");
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void killShippingService() throws Exception {
        killAndRestart("shipping-service");
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void killCreditsService() throws Exception {
        killAndRestart("credits-service");
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void killMessagingService() throws Exception {
        killAndRestart("messaging-service");
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void killSupportService() throws Exception {
        killAndRestart("support-service");
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void brokerRestart() throws Exception {
        scenario("broker restart (SIGTERM, start)", load -> {
            stack.stop("kafka");
            awaitLoad(load, DOWN);
            stack.startBroker();
            ProcessStack.SERVICES.forEach(s -> stack.awaitReady(s, Duration.ofMinutes(3)));
        });
    }

    @Test
    @org.junit.jupiter.api.Order(7)
    void registryRestart() throws Exception {
        scenario("registry kill -9 and restart", load -> {
            stack.kill("registry");
            awaitLoad(load, DOWN);
            stack.startRegistry();
        });
    }

    @Test
    @org.junit.jupiter.api.Order(8)
    void serviceStartedWhileTheBrokerIsDown() throws Exception {
        scenario("credits-service started while the broker is down", load -> {
            stack.stop("credits-service");
            stack.stop("kafka");
            stack.startService("credits-service");
            // It comes up and answers its liveness probe, but is not ready without the broker.
            await().atMost(Duration.ofMinutes(2)).until(() ->
                    ProcessStack.status(stack.baseUrl("credits-service") + "/actuator/health/liveness") == 200);
            assertThat(stack.ready("credits-service")).as("credits-service ready without a broker").isFalse();
            awaitLoad(load, DOWN);
            stack.startBroker();
            ProcessStack.SERVICES.forEach(s -> stack.awaitReady(s, Duration.ofMinutes(3)));
        });
    }

    // ------------------------------------------------------------------------------------------------

    private void killAndRestart(String service) throws Exception {
        scenario("kill -9 " + service, load -> {
            stack.kill(service);
            awaitLoad(load, DOWN);
            stack.startService(service);
            stack.awaitReady(service, Duration.ofMinutes(3));
        });
    }

    @FunctionalInterface
    interface Fault {
        void inject(Load load) throws Exception;
    }

    /** Waits until {@code seconds} more seconds' worth of orders have arrived: time measured in load, not in sleep. */
    private static void awaitLoad(Load load, int seconds) {
        var target = load.placed() + seconds * RATE;
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> load.placed() >= target);
    }

    private void scenario(String name, Fault fault) throws Exception {
        var run = UUID.randomUUID().toString().substring(0, 8);
        try (var load = new Load(stack, run, RATE)) {
            load.start();
            awaitLoad(load, BEFORE);
            var inFlight = reconciliation.lag().values().stream().mapToLong(Long::longValue).sum() + load.openRequests();
            var down = System.nanoTime();
            fault.inject(load);
            var toReady = Duration.ofNanos(System.nanoTime() - down);
            awaitLoad(load, AFTER);
            load.stopPlacing();
            var stopped = System.nanoTime();
            await().atMost(Duration.ofMinutes(5)).until(() -> load.openRequests() == 0);
            var report = reconciliation.settle(Duration.ofMinutes(3));
            var drain = Duration.ofNanos(System.nanoTime() - stopped);

            var problems = new ArrayList<String>();
            var duplicates = report.figure("duplicate_credits") + report.figure("commands_decided_twice")
                    + report.figure("orders_cancelled_twice");
            var losses = report.figure("commands_undecided") + report.figure("cancellations_uncredited");
            var clientSide = checkOrders(load, problems);
            duplicates += clientSide[0];
            losses += clientSide[1];
            var orders = load.orders();
            var line = String.format("| %s | %d | %d | %d | %d | %d | %.1f s | %.1f s | %.1f s | %d | %d | %d |%n", name, orders.size(),
                    orders.stream().filter(o -> o.cancelCommandId != null).count(),
                    orders.stream().filter(o -> o.message != null).count(), inFlight, load.retries(),
                    load.longestWaitMillis() / 1000.0, toReady.toMillis() / 1000.0, drain.toMillis() / 1000.0, duplicates, losses,
                    clientSide[2]);
            System.out.print(line);
            Files.writeString(REPORT, line, StandardOpenOption.APPEND);

            assertThat(load.failures()).as("requests the load gave up on, or failed sends").isEmpty();
            assertThat(report.violations()).as("reconciliation violations").isEmpty();
            assertThat(report.pending()).as("work accepted but never done").isEmpty();
            assertThat(report.verdict()).isEqualTo(Reconciliation.Verdict.CONSISTENT);
            assertThat(report.figure("credited_cents")).isEqualTo(report.figure("refunded_cents"));
            assertThat(problems).as("orders whose state their events do not justify, or lost/duplicated messages").isEmpty();
            assertThat(duplicates).isZero();
            assertThat(losses).isZero();
            assertThat(orders).hasSizeGreaterThanOrEqualTo((BEFORE + AFTER) * RATE);
        }
    }

    /**
     * Every order of the load from the clients' side: an accepted cancellation is decided; the order is
     * CANCELLED (with its credit issued) exactly when that decision was a cancellation, else SHIPPED when it was
     * scanned, else PLACED; an accepted message is in the conversation once. Returns {duplicates, losses,
     * orders in a state their events do not justify}.
     */
    private static long[] checkOrders(Load load, List<String> problems) {
        long duplicates = 0;
        long losses = 0;
        long offTheirEvents = 0;
        for (var order : load.orders()) {
            var decision = "NONE";
            if (order.cancelCommandId != null) {
                var answer = load.get("orders-service", "/orders/" + order.id + "/cancellations/" + order.cancelCommandId, order.buyer);
                if (answer.status() != 200) {
                    losses++;
                    problems.add(order.id + ": accepted cancellation " + order.cancelCommandId + " not found (" + answer.status() + ")");
                    continue;
                }
                decision = answer.body().get("status").asString();
            }
            var view = load.get("orders-service", "/orders/" + order.id, order.buyer);
            if (view.status() != 200) {
                losses++;
                problems.add(order.id + ": placed but GET answers " + view.status());
                continue;
            }
            var status = view.body().get("status").asString();
            var expected = decision.equals("CANCELLED") ? "CANCELLED" : order.scanned ? "SHIPPED" : "PLACED";
            if (!status.equals(expected)) {
                offTheirEvents++;
                problems.add(order.id + ": " + status + ", its events say " + expected + " (decision " + decision
                        + ", scanned " + order.scanned + ")");
            }
            if (status.equals("CANCELLED") && !"ISSUED_AS_STORE_CREDIT".equals(view.body().at("/refund/status").asString())) {
                offTheirEvents++;
                problems.add(order.id + ": cancelled, refund " + view.body().at("/refund/status").asString());
            }
            if (order.message != null) {
                var conversation = load.get("messaging-service", "/orders/" + order.id + "/conversation?size=100", order.buyer);
                long copies = 0;
                if (conversation.status() == 200) {
                    for (var m : conversation.body().get("messages")) {
                        if (order.message.equals(m.get("text").asString())) {
                            copies++;
                        }
                    }
                }
                if (copies == 0) {
                    losses++;
                    problems.add(order.id + ": accepted message missing (" + conversation.status() + ")");
                } else if (copies > 1) {
                    duplicates += copies - 1;
                    problems.add(order.id + ": message " + copies + " times");
                }
            }
        }
        return new long[] {duplicates, losses, offTheirEvents};
    }
}
