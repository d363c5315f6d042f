package market.resale.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import market.resale.opstools.Reconciliation;
import market.resale.testsupport.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The benchmark command, run short on the real stack (broker, registry, five service processes): every
 * figure of the report is measured, and every order's outcome is the planned one. Its speed is the
 * benchmark's business (docs/benchmarks.md), never asserted here.
 */
class BenchmarkTest {

    @Test
    void aShortRunMeasuresEveryFigureAndFindsEveryOutcomeAsPlanned() throws Exception {
        var work = Path.of("target", "bench-test-" + UUID.randomUUID().toString().substring(0, 8));
        var report = work.resolve("report.md");
        var options = Benchmark.Options.parse(new String[] {
                "--root=" + ProjectLayout.root(), "--version=" + System.getProperty("stack.version", "0.1.0-SNAPSHOT"),
                "--rates=10,20", "--step=PT5S", "--relay-rates=200,400", "--relay-step=PT3S", "--query=PT6S",
                "--query-connections=4", "--buyers=200", "--work=" + work, "--report=" + report});

        var result = Benchmark.run(options);
        Files.writeString(report, Benchmark.report(options, result));

        // Every order ended as its plan says, nothing was credited twice, and the deployment reconciles.
        assertThat(result.orders()).isGreaterThanOrEqualTo(10 * 5 / 2 + 10 * 5 + 20 * 5);
        assertThat(result.mismatches()).isEmpty();
        assertThat(result.duplicateCredits()).isZero();
        assertThat(result.loadFailures()).isEmpty();
        assertThat(result.reconciliation()).isEqualTo(Reconciliation.Verdict.CONSISTENT);

        // Each step decided, timed its credits, and knows what every process spent on it.
        var processes = new String[] {"kafka", "registry", "orders-service", "shipping-service", "credits-service",
                "messaging-service", "support-service", "load generator"};
        for (var step : java.util.stream.Stream.concat(result.steps().stream(),
                java.util.stream.Stream.of(result.halfRate(), result.halfRateWithQueries())).toList()) {
            assertThat(step.load().decided()).isPositive();
            assertThat(step.recordsPerOrder()).as("records the broker took per order").isGreaterThan(1);
            assertThat(step.load().creditLatency().getTotalCount()).isPositive();
            assertThat(step.cpuPerThousandEvents()).containsKeys(processes);
            // Every process on the path works in every step (the token issuer, also sampled, is done before the steps).
            for (var process : processes) {
                assertThat(step.cpuPerThousandEvents().get(process)).as(process).isPositive();
            }
        }
        assertThat(result.idleCores()).containsKeys(processes);
        assertThat(result.peakRss()).containsKeys(processes);
        assertThat(result.peakRss().values()).allSatisfy(bytes -> assertThat(bytes).isGreaterThan(16L << 20));
        assertThat(result.peakTotalRss()).isGreaterThanOrEqualTo(result.peakRss().get("kafka"));

        // wrk ran both queries, and every query was answered 2xx.
        assertThat(result.queries()).hasSize(2).allSatisfy(q -> {
            assertThat(q.requests()).isPositive();
            assertThat(q.non2xx()).isZero();
        });

        // The yardstick ran in both modes on the same broker, losing nothing.
        assertThat(result.relay()).containsOnlyKeys(Relay.Mode.values());
        result.relay().values().forEach(steps -> assertThat(steps).hasSize(2)
                .allSatisfy(s -> assertThat(s.distinct()).isEqualTo(s.sent())));
        assertThat(Files.readString(report)).contains("## Targets", "## The yardstick", "## The query side");
    }
}
