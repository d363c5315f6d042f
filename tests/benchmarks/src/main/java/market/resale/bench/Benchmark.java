package market.resale.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import market.resale.opstools.Reconciliation;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.TrustedPackages;
import market.resale.testsupport.ProcessStack;

/**
 * The whole path on one machine, measured against Kafka itself in the same run. It starts the local stack as
 * separate processes (a KRaft broker, Apicurio Registry with Kafka storage, the five services), then:
 * <ol>
 *   <li>the system under an open-loop load ({@link SystemLoad}) in steps of increasing rate, until a step is
 *       not sustained: decisions per second, latency from the cancellation request's scheduled time to the
 *       credit seen by a separate read-committed consumer ({@link Watcher}), CPU seconds per 1,000 input
 *       events per process (broker and registry included, from {@code /proc});</li>
 *   <li>a step at half the highest sustained rate (the latency target), and one more with {@code wrk} on the
 *       query side ({@link QueryLoad}) at the same time;</li>
 *   <li>on the same broker, the kafka-clients {@link Relay} over the same hops with the system's record size,
 *       at-least-once and transactional: the yardstick;</li>
 *   <li>the outcome of every order against its plan, duplicate credits, and ops-tools' reconciliation.</li>
 * </ol>
 * The report (Markdown) goes to standard output and to {@code --report}.
 */
public final class Benchmark {

    /** What to run; every figure of the report comes from one run with these. */
    public record Options(Path root, String version, int[] systemRates, Duration systemStep, int[] relayRates,
                          Duration relayStep, Duration queryLength, int queryConnections, int buyers,
                          List<String> serviceJvm, List<String> serviceArgs, Duration commitInterval, int partitions,
                          Path work, Path report) {

        static Options parse(String[] args) {
            var o = new HashMap<String, String>();
            for (var arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=")) {
                    throw new IllegalArgumentException("Arguments are --name=value; got " + arg);
                }
                o.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
            var root = Path.of(o.getOrDefault("root", "."));
            var target = root.resolve("tests/benchmarks/target");
            return new Options(root, o.getOrDefault("version", "0.1.0-SNAPSHOT"),
                    ints(o.getOrDefault("rates", "50,100,125,150,175,200,250,300")), Duration.parse(o.getOrDefault("step", "PT20S")),
                    ints(o.getOrDefault("relay-rates", "2000,8000,32000,64000")),
                    Duration.parse(o.getOrDefault("relay-step", "PT10S")), Duration.parse(o.getOrDefault("query", "PT15S")),
                    Integer.parseInt(o.getOrDefault("query-connections", "8")), Integer.parseInt(o.getOrDefault("buyers", "4000")),
                    list(o.getOrDefault("service-jvm", "-Xms64m,-Xmx256m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1")),
                    list(o.getOrDefault("service-args", "")),
                    Duration.parse(o.getOrDefault("commit-interval", "PT0.1S")),
                    Integer.parseInt(o.getOrDefault("partitions", "6")),
                    Path.of(o.getOrDefault("work", target.resolve("bench-" + UUID.randomUUID().toString().substring(0, 8)).toString())),
                    Path.of(o.getOrDefault("report", target.resolve("benchmark-report.md").toString())));
        }

        private static int[] ints(String csv) {
            return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }

        private static List<String> list(String csv) {
            return csv.isBlank() ? List.of() : List.of(csv.split(","));
        }
    }

    /** A system step with what each process spent on it: CPU seconds per 1,000 input events. */
    public record SystemStep(SystemLoad.Step load, Map<String, Double> cpuPerThousandEvents, Duration drained,
                             long recordsWritten) {

        /** Records appended to the broker (every topic, internal ones and transaction markers included) per order placed. */
        public double recordsPerOrder() {
            return recordsWritten / (double) Math.max(1, load.orders());
        }
    }

    /** Everything the run measured. */
    public record Result(List<SystemStep> steps, SystemStep halfRate, SystemStep halfRateWithQueries,
                         List<QueryLoad.Result> queries, Map<Relay.Mode, List<Relay.Step>> relay, int recordBytes,
                         long orders, List<String> mismatches, long duplicateCredits, List<String> loadFailures,
                         Reconciliation.Verdict reconciliation, Map<String, Long> peakRss, long peakTotalRss,
                         Map<String, Double> idleCores) {

        /** The highest step that was sustained (null when none was). */
        public SystemStep sustained() {
            return steps.stream().filter(s -> s.load().sustained()).reduce((a, b) -> b).orElse(null);
        }

        public Relay.Step sustainedRelay(Relay.Mode mode) {
            return relay.get(mode).stream().filter(Relay.Step::sustained).reduce((a, b) -> b).orElse(null);
        }
    }

    private static final String LOAD = "load generator";
    /** Transactional hops from the cancel command to the credit issued (decide; repartition by buyer; ledger). */
    static final int RELAY_HOPS = 3;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        var options = Options.parse(args);
        var result = run(options);
        var report = report(options, result);
        Files.createDirectories(options.report().toAbsolutePath().getParent());
        Files.writeString(options.report(), report);
        System.out.println(report);
    }

    public static Result run(Options options) throws Exception {
        if (!QueryLoad.available()) {
            throw new IllegalStateException("wrk is needed for the query side (Debian: apt-get install wrk)");
        }
        TrustedPackages.register();
        // The services' exactly-once commit interval, and the transactional relay's, are the same.
        var serviceArgs = new ArrayList<>(options.serviceArgs());
        serviceArgs.add("--app.kafka.commit-interval=" + options.commitInterval().toMillis() + "ms");
        serviceArgs.add("--app.kafka.topic-partitions=" + options.partitions());
        try (var stack = new ProcessStack(options.root(), options.version(), options.work())
                .serviceJvm(options.serviceJvm()).serviceArgs(serviceArgs)) {
            System.err.println("[bench] starting the stack (broker, registry, five services) under " + options.work());
            stack.startAll();
            var registry = SchemaRegistryClients.forConfig(Map.of(RegistrySettings.URL, stack.registryUrl()));
            var run = UUID.randomUUID().toString().substring(0, 8);
            var memory = new MemoryWatch(stack);
            SystemLoad load = null;
            Watcher watcher = null;
            try {
                load = new SystemLoad(stack.bootstrapServers(), registry, stack.baseUrl("orders-service"), stack.issuerUrl(), run, options.buyers());
                var started = load;
                watcher = new Watcher(stack.bootstrapServers(), registry, started::cancellationSeen, started::creditSeen)
                        .awaitAssigned();
                load.mintTokens();

                // Warm-up: the JIT, the registry's caches, the stores' first writes. Not reported.
                step(stack, load, watcher, Math.max(5, options.systemRates()[0] / 2), Duration.ofSeconds(10));
                step(stack, load, watcher, options.systemRates()[0], Duration.ofSeconds(10));
                var idle = idleCores(stack, Duration.ofSeconds(10));

                // The yardstick on the same broker, with the system's record size (as the warm-up wrote them) and its
                // hops from the command to the credit: orders-service's decision, credits-service's repartition, its ledger.
                int recordBytes = Math.max(64, watcher.averageRecordBytes());
                System.err.println("[bench] the kafka-clients relay, " + recordBytes + "-byte records");
                var relay = new LinkedHashMap<Relay.Mode, List<Relay.Step>>();
                for (var mode : Relay.Mode.values()) {
                    relay.put(mode, new Relay(stack.bootstrapServers(), mode, RELAY_HOPS, recordBytes, options.commitInterval(), options.partitions())
                            .run(options.relayRates(), options.relayStep()));
                    relay.get(mode).forEach(r -> System.err.printf("[bench] %s relay at %d/s: %.0f/s received, p99 %.1f ms, %s%n",
                            mode, r.rate(), r.receivedPerSecond(), r.millis(99), r.sustained() ? "sustained" : "NOT sustained"));
                }

                var steps = new ArrayList<SystemStep>();
                for (int rate : options.systemRates()) {
                    var step = step(stack, load, watcher, rate, options.systemStep());
                    steps.add(step);
                    if (!step.load().sustained()) {
                        break; // past the limit: higher steps would only queue more
                    }
                }
                var best = steps.stream().filter(s -> s.load().sustained()).reduce((a, b) -> b).orElse(steps.get(0));
                int half = Math.max(1, best.load().ordersPerSecond() / 2);
                var halfRate = step(stack, load, watcher, half, options.systemStep());

                // The query side, while the write load runs at the same half rate.
                var calls = queryCalls(load, 1_000);
                var queries = new ArrayList<QueryLoad.Result>();
                var queryWork = options.work().resolve("wrk");
                var withQueries = stepWith(stack, load, watcher, half, options.systemStep(), () -> {
                    var orderCalls = calls.stream().filter(c -> c.path().startsWith("/orders/")).toList();
                    var purchaseCalls = calls.stream().filter(c -> c.path().startsWith("/purchases")).toList();
                    var each = options.queryLength().dividedBy(2);
                    queries.add(QueryLoad.run("GET one order", stack.baseUrl("orders-service"), orderCalls, each,
                            options.queryConnections(), queryWork));
                    queries.add(QueryLoad.run("GET a buyer's purchases", stack.baseUrl("orders-service"), purchaseCalls, each,
                            options.queryConnections(), queryWork));
                });

                var verdict = new Reconciliation(Map.of("bootstrap.servers", stack.bootstrapServers()), registry)
                        .settle(Duration.ofMinutes(2)).verdict();
                var peaks = new LinkedHashMap<String, Long>();
                ProcStats.sample(pids(stack)).forEach((name, sample) -> peaks.put(name, sample.peakRssBytes()));
                return new Result(steps, halfRate, withQueries, queries, relay, recordBytes, load.orders().size(),
                        load.mismatches(watcher), load.duplicateCredits(watcher), load.failures(), verdict, peaks,
                        memory.peak(), idle);
            } finally {
                memory.close();
                if (watcher != null) {
                    watcher.close();
                }
                if (load != null) {
                    load.close();
                }
            }
        }
    }

    private static SystemStep step(ProcessStack stack, SystemLoad load, Watcher watcher, int rate, Duration length)
            throws Exception {
        return stepWith(stack, load, watcher, rate, length, null);
    }

    /** A step, with {@code alongside} running on another thread meanwhile; CPU counted until the step's work is drained. */
    private static SystemStep stepWith(ProcessStack stack, SystemLoad load, Watcher watcher, int rate, Duration length,
                                       Alongside alongside) throws Exception {
        var pids = pids(stack);
        long offsetsBefore = endOffsets(stack);
        var before = ProcStats.sample(pids);
        Thread side = null;
        var sideFailure = new java.util.concurrent.atomic.AtomicReference<Exception>();
        if (alongside != null) {
            side = Thread.ofPlatform().name("bench-alongside").start(() -> {
                try {
                    alongside.run();
                } catch (Exception e) {
                    sideFailure.set(e);
                }
            });
        }
        var step = load.run(rate, length, watcher);
        var drainStarted = System.nanoTime();
        drain(load, watcher, Duration.ofMinutes(3));
        var drained = Duration.ofNanos(System.nanoTime() - drainStarted);
        if (side != null) {
            side.join();
            if (sideFailure.get() != null) {
                throw sideFailure.get();
            }
        }
        var after = ProcStats.sample(pids);
        long written = endOffsets(stack) - offsetsBefore;
        var cpu = new LinkedHashMap<String, Double>();
        after.forEach((name, sample) -> {
            var start = before.get(name);
            if (start != null) {
                cpu.put(name, (sample.cpuSeconds() - start.cpuSeconds()) * 1_000.0 / Math.max(1, step.inputEvents()));
            }
        });
        System.err.printf("[bench] %d orders/s for %d s: %.0f decisions/s, %s, credit p99 %.0f ms, drained in %.1f s%n",
                rate, length.toSeconds(), step.decisionsPerSecond(), step.sustained() ? "sustained" : "NOT sustained",
                millis(step.creditLatency(), 99), drained.toMillis() / 1000.0);
        return new SystemStep(step, cpu, drained, written);
    }

    /** The sum of every partition's end offset on the broker (the relay's topics included, so only differences during a step count). */
    private static long endOffsets(ProcessStack stack) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            var names = admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names().get(30, TimeUnit.SECONDS);
            var specs = new HashMap<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
            admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) -> description.partitions()
                    .forEach(p -> specs.put(new org.apache.kafka.common.TopicPartition(name, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
            return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    /** CPU cores each process uses with no load at all: polls, heartbeats, punctuators, the broker's housekeeping. */
    private static Map<String, Double> idleCores(ProcessStack stack, Duration length) throws InterruptedException {
        var pids = pids(stack);
        var before = ProcStats.sample(pids);
        Thread.sleep(length.toMillis()); // the measurement period itself: nothing is sent meanwhile
        var after = ProcStats.sample(pids);
        var cores = new LinkedHashMap<String, Double>();
        after.forEach((name, sample) -> {
            if (before.containsKey(name)) {
                cores.put(name, (sample.cpuSeconds() - before.get(name).cpuSeconds()) / (length.toMillis() / 1000.0));
            }
        });
        return cores;
    }

    @FunctionalInterface
    private interface Alongside {
        void run() throws Exception;
    }

    /** Waits until every command sent so far is decided and every request answered (or the patience is over). */
    private static void drain(SystemLoad load, Watcher watcher, Duration patience) throws InterruptedException {
        var deadline = System.nanoTime() + patience.toNanos();
        while ((watcher.decisions() < load.commandsDue() || load.open() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling a counter; the drain's length is itself a reported figure
        }
    }

    private static Map<String, Long> pids(ProcessStack stack) {
        var pids = new LinkedHashMap<>(stack.pids());
        pids.put(LOAD, ProcessHandle.current().pid());
        return pids;
    }

    private static List<QueryLoad.Call> queryCalls(SystemLoad load, int count) {
        var random = new Random(42);
        var orders = load.orders();
        var calls = new ArrayList<QueryLoad.Call>();
        for (int i = 0; i < count && !orders.isEmpty(); i++) {
            var order = orders.get(random.nextInt(orders.size()));
            calls.add(new QueryLoad.Call("/orders/" + order.id, load.token(order.buyer)));
            calls.add(new QueryLoad.Call("/purchases?size=20", load.token(order.buyer)));
        }
        return calls;
    }

    /** Samples the sum of every process's resident set (the stack's and this one's) every 100 ms; keeps the peak. */
    private static final class MemoryWatch implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        MemoryWatch(ProcessStack stack) {
            thread = Thread.ofPlatform().daemon().name("bench-memory").start(() -> {
                while (!stop.get()) {
                    long sum = ProcStats.sample(pids(stack)).values().stream().mapToLong(ProcStats.Sample::rssBytes).sum();
                    peak.accumulateAndGet(sum, Math::max);
                    try {
                        Thread.sleep(100); // the sampling period
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    // ------------------------------------------------------------------ report

    static String report(Options options, Result r) {
        var out = new StringBuilder();
        var cores = Runtime.getRuntime().availableProcessors();
        out.append("# Benchmark run ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append("\n\nMachine: ").append(cores).append(" cores, ").append(memTotal()).append(", ")
                .append(cpuModel()).append("; Java ").append(Runtime.version()).append(".\n")
                .append("Services: ").append(String.join(" ", options.serviceJvm()))
                .append(options.serviceArgs().isEmpty() ? "" : " " + String.join(" ", options.serviceArgs()))
                .append("; exactly-once commit interval ").append(options.commitInterval().toMillis()).append(" ms; ")
                .append(options.partitions()).append(" partitions per topic.\n")
                .append("Steps of ").append(options.systemStep().toSeconds()).append(" s (system) and ")
                .append(options.relayStep().toSeconds()).append(" s (relay).\n\n");

        var txRelay = r.sustainedRelay(Relay.Mode.TRANSACTIONAL);
        var best = r.sustained();
        out.append("## The system (open loop; latency from the cancellation request's scheduled time to the credit read committed)\n\n")
                .append("| orders/s | decisions/s | sustained | backlog growth | credit p50 ms | p99 ms | p99.9 ms | cancelled p50 / p99 ms | HTTP p50 / p99 ms | records written per order | drained in s |")
                .append(" CPU s per 1,000 input events: ").append(String.join(" / ", processNames(r))).append(" |\n")
                .append("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (var step : r.steps()) {
            out.append(row(step, r)).append('\n');
        }
        out.append("| idle | | | | | | | | | | | CPU cores with no load: ").append(String.join(" / ", processNames(r).stream()
                .map(name -> String.format("%.2f", r.idleCores().getOrDefault(name, Double.NaN))).toList())).append(" |\n");
        out.append("\nAt half the highest sustained rate:\n\n| orders/s | decisions/s | sustained | backlog growth | credit p50 ms | p99 ms | p99.9 ms | cancelled p50 / p99 ms | HTTP p50 / p99 ms | records written per order | drained in s | CPU |\n")
                .append("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
                .append(row(r.halfRate(), r)).append('\n')
                .append(row(r.halfRateWithQueries(), r)).append(" (with wrk on the query side)\n\n");

        out.append("## The query side (wrk, 1 thread, ").append(options.queryConnections())
                .append(" connections, while the write load runs at half the sustained rate)\n\n")
                .append("| query | requests | requests/s | p50 ms | p99 ms | non-2xx | socket errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (var q : r.queries()) {
            out.append(String.format("| %s | %d | %.0f | %.1f | %.1f | %d | %d |%n", q.name(), q.requests(), q.requestsPerSecond(),
                    q.p50Millis(), q.p99Millis(), q.non2xx(), q.socketErrors()));
        }

        out.append("\n## The yardstick: a kafka-clients relay on the same broker (").append(RELAY_HOPS).append(" hops as the system's, ")
                .append(r.recordBytes())
                .append("-byte records as the system's, commit interval ").append(options.commitInterval().toMillis())
                .append(" ms as the services', ").append(options.partitions()).append(" partitions as the system's topics)\n\n")
                .append("| relay | rate/s | received/s | p50 ms | p99 ms | p99.9 ms | backlog growth | sustained |\n")
                .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        r.relay().forEach((mode, steps) -> steps.forEach(s -> out.append(String.format("| %s | %d | %.0f | %.1f | %.1f | %.1f | %d | %s |%n",
                mode, s.rate(), s.receivedPerSecond(), s.millis(50), s.millis(99), s.millis(99.9),
                s.backlogAtEnd() - s.backlogAtStart(), s.sustained() ? "yes" : "no"))));

        out.append("\n## Memory (resident set)\n\n| process | peak RSS MiB |\n| --- | ---: |\n");
        r.peakRss().forEach((name, bytes) -> out.append(String.format("| %s | %d |%n", name, bytes >> 20)));
        long stackPeaks = r.peakRss().entrySet().stream().filter(e -> !e.getKey().equals(LOAD)).mapToLong(Map.Entry::getValue).sum();
        out.append(String.format("%nSum of the stack's peaks (broker, registry, services): %d MiB; peak of the sum, every process"
                + " and the load generator sampled every 100 ms: %d MiB.%n", stackPeaks >> 20, r.peakTotalRss() >> 20));

        out.append("\n## Outcomes\n\n").append(String.format("%d orders; %d outcomes not as planned; %d orders credited twice;"
                        + " %d client-side failures; reconciliation %s.%n", r.orders(), r.mismatches().size(), r.duplicateCredits(),
                r.loadFailures().size(), r.reconciliation()));
        r.mismatches().stream().limit(10).forEach(m -> out.append("- ").append(m).append('\n'));
        r.loadFailures().stream().limit(10).forEach(m -> out.append("- ").append(m).append('\n'));

        out.append("\n## Targets\n\n| target | figure | met |\n| --- | --- | --- |\n");
        if (best != null && txRelay != null) {
            double ratio = best.load().decisionsPerSecond() / txRelay.receivedPerSecond();
            // When the relay kept up at every step, its limit is higher still, and the ratio at most this.
            boolean relaySaturated = r.relay().get(Relay.Mode.TRANSACTIONAL).stream().anyMatch(s -> !s.sustained());
            out.append(String.format("| sustained decisions/s ≥ 0.5 × transactional relay | %.0f / %s%.0f = %s%.4f | %s |%n",
                    best.load().decisionsPerSecond(), relaySaturated ? "" : "≥ ", txRelay.receivedPerSecond(),
                    relaySaturated ? "" : "≤ ", ratio, ratio >= 0.5 ? "yes" : "no"));
        } else {
            out.append("| sustained decisions/s ≥ 0.5 × transactional relay | no sustained step (system or relay) | no |\n");
        }
        double p99 = r.halfRate().load().creditLatency().getValueAtPercentile(99) / 1e6;
        out.append(String.format("| p99 request → credit ≤ 250 ms at half the sustained rate | %.0f ms | %s |%n", p99, p99 <= 250 ? "yes" : "no"));
        out.append(String.format("| all processes ≤ 2.5 GiB RSS | %d MiB (sum of peaks) | %s |%n", stackPeaks >> 20,
                stackPeaks <= 2_560L << 20 ? "yes" : "no"));
        out.append(String.format("| 0 wrong outcomes, 0 duplicate credits | %d, %d | %s |%n", r.mismatches().size(), r.duplicateCredits(),
                r.mismatches().isEmpty() && r.duplicateCredits() == 0 ? "yes" : "no"));
        return out.toString();
    }

    private static List<String> processNames(Result r) {
        return r.steps().isEmpty() ? List.of() : List.copyOf(r.steps().get(0).cpuPerThousandEvents().keySet());
    }

    private static String row(SystemStep step, Result r) {
        var s = step.load();
        var cpu = new StringBuilder();
        for (var name : processNames(r)) {
            cpu.append(cpu.isEmpty() ? "" : " / ").append(String.format("%.2f", step.cpuPerThousandEvents().getOrDefault(name, Double.NaN)));
        }
        return String.format("| %d | %.0f | %s | %d | %.0f | %.0f | %.0f | %.0f / %.0f | %.0f / %.0f | %.1f | %.1f | %s |", s.ordersPerSecond(),
                s.decisionsPerSecond(), s.sustained() ? "yes" : "no", s.backlogAtEnd() - s.backlogAtStart(),
                millis(s.creditLatency(), 50), millis(s.creditLatency(), 99), millis(s.creditLatency(), 99.9),
                millis(s.cancellationLatency(), 50), millis(s.cancellationLatency(), 99),
                millis(s.httpLatency(), 50), millis(s.httpLatency(), 99), step.recordsPerOrder(), step.drained().toMillis() / 1000.0, cpu);
    }

    private static double millis(org.HdrHistogram.Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> (Long.parseLong(l.replaceAll("[^0-9]", "")) >> 20) + " GiB").findFirst().orElse("? GiB");
        } catch (IOException e) {
            return "? GiB";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
