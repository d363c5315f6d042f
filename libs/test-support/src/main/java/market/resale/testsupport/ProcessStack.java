package market.resale.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The whole system as separate operating-system processes, the way {@code ./stack up} runs it: a KRaft
 * broker from Apache Kafka's jars, Apicurio Registry with its storage in Kafka, and the five services'
 * runnable jars, and the token issuer the services validate tokens with, each on a free port on 127.0.0.1 with its own state directory under {@code target/}.
 * Any of them can be killed ({@code SIGKILL}), stopped ({@code SIGTERM}) and started again on the same
 * port and data. {@link #close()} stops everything it started. Used by the fault tests and the benchmark;
 * it needs {@code tools/local-stack} and the services packaged ({@code ./mvnw package -DskipTests}).
 */
public final class ProcessStack implements AutoCloseable {

    public static final List<String> SERVICES = List.of("orders-service", "shipping-service", "credits-service",
            "messaging-service", "support-service");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path root;
    private final String version;
    private final Path work;
    private final String javaBin;
    private final int kafkaPort = freePort();
    private final int controllerPort = freePort();
    private final int registryPort = freePort();
    private final int registryManagementPort = freePort();
    private final int issuerPort = freePort();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();

    private List<String> serviceJvm = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private List<String> serviceArgs = List.of();

    /**
     * @param root    the project's root (local-stack's broker and registry, the services' jars under it)
     * @param version the project's version (the jars' names)
     * @param work    a fresh directory for the processes' data and logs
     */
    public ProcessStack(Path root, String version, Path work) {
        this.root = root.toAbsolutePath().normalize();
        this.version = version;
        this.javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            this.work = Files.createDirectories(work).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SERVICES.forEach(s -> ports.put(s, freePort()));
        // If the JVM is stopped before close() (Ctrl-C, a test timeout), its children go with it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.values().forEach(Process::destroyForcibly),
                "process-stack-stop"));
    }

    /** In a test: the repository's root ({@link ProjectLayout#root()}), the version from {@code stack.version}, work under target/. */
    public static ProcessStack forTests(String name) {
        return new ProcessStack(ProjectLayout.root(), System.getProperty("stack.version", "0.1.0-SNAPSHOT"),
                Path.of("target", name + "-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    /** JVM options of the service processes started from now on (heap, GC, JIT). */
    public ProcessStack serviceJvm(List<String> options) {
        this.serviceJvm = List.copyOf(options);
        return this;
    }

    /** Extra Spring Boot arguments of the service processes started from now on ({@code --app.kafka.commit-interval=50ms}). */
    public ProcessStack serviceArgs(List<String> args) {
        this.serviceArgs = List.copyOf(args);
        return this;
    }

    /** Process ids of the processes running now, by name ({@code kafka}, {@code registry}, the services). */
    public Map<String, Long> pids() {
        var pids = new LinkedHashMap<String, Long>();
        processes.forEach((name, process) -> {
            if (process.isAlive()) {
                pids.put(name, process.pid());
            }
        });
        return pids;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
    }

    /** The token issuer ({@code iss} of its tokens); tokens for any user from {@link #token}. */
    public String issuerUrl() {
        return "http://127.0.0.1:" + issuerPort;
    }

    /** A token for {@code user} with {@code roles} from the stack's issuer, as the demo gets one. */
    public String token(String user, String... roles) {
        return TokenIssuer.tokenFrom(issuerUrl(), user, roles);
    }

    /** The support console's page (support-service), where the issuer sends a signed-in agent back to. */
    public String consoleUrl() {
        return baseUrl("support-service") + "/console/index.html";
    }

    public String baseUrl(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    public Path logs() {
        return work.resolve("logs");
    }

    /** Starts the broker, the registry, the token issuer and every service, and waits until each service is ready. */
    public void startAll() {
        startBroker();
        startRegistry();
        startIssuer();
        SERVICES.forEach(this::startService);
        SERVICES.forEach(s -> awaitReady(s, Duration.ofSeconds(240)));
    }

    // ------------------------------------------------------------------ broker

    public void startBroker() {
        var dir = work.resolve("kafka");
        var libs = ProjectLayout.kafkaLibs(root);
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.createDirectories(logs());
            Files.writeString(dir.resolve("server.properties"), String.join("\n",
                    "process.roles=broker,controller", "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + kafkaPort,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"), "num.partitions=6",
                    "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1", "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=false", ""));
            Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
                    "rootLogger.level=INFO", "rootLogger.appenderRef.out.ref=OUT", "appender.out.type=Console",
                    "appender.out.name=OUT", "appender.out.layout.type=PatternLayout",
                    "appender.out.layout.pattern=%d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                    "logger.kafka.name=kafka", "logger.kafka.level=WARN", "logger.apache.name=org.apache.kafka",
                    "logger.apache.level=WARN", ""));
            var classpath = libs + "/*";
            var log4j = "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties");
            if (!Files.exists(dir.resolve("data/meta.properties"))) {
                var format = new ProcessBuilder(javaBin, "-cp", classpath, log4j, "kafka.tools.StorageTool", "format",
                        "-t", "fault-tests-cluster-0001", "-c", dir.resolve("server.properties").toString())
                        .redirectErrorStream(true).redirectOutput(logFile("kafka-format")).start();
                if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                    throw new IllegalStateException("Formatting Kafka's storage failed; see " + logFile("kafka-format"));
                }
            }
            start("kafka", new ProcessBuilder(javaBin, "-Xms256m", "-Xmx512m", "-cp", classpath, log4j, "kafka.Kafka",
                    dir.resolve("server.properties").toString()));
            awaitPort(kafkaPort, Duration.ofSeconds(60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ registry

    public void startRegistry() {
        var home = ProjectLayout.apicurioHome(root);
        var builder = new ProcessBuilder(javaBin, "-Xmx384m",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + registryPort,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + registryManagementPort,
                "-Dapicurio.storage.kind=kafkasql", "-Dapicurio.kafkasql.bootstrap.servers=" + bootstrapServers(),
                "-Dquarkus.otel.enabled=false", "-Dquarkus.otel.sdk.disabled=true",
                "-jar", "quarkus-run.jar").directory(home.toFile());
        start("registry", builder);
        awaitHttp(registryUrl() + "/subjects", Duration.ofSeconds(120));
        put(registryUrl() + "/config", "{\"compatibility\":\"BACKWARD\"}");
    }

    // ------------------------------------------------------------------ token issuer

    public void startIssuer() {
        var state = work.resolve("state").resolve("token-issuer");
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var jar = ProjectLayout.tokenIssuerJar(root, version);
        if (!Files.exists(jar)) {
            throw new IllegalStateException("No " + jar + "; build it first (./mvnw package)");
        }
        var command = new ArrayList<>(TokenIssuer.command(jar, issuerPort, state.resolve("signing-key.json")));
        // The support console, served by support-service on its port, signs agents in here.
        command.add("--spring.security.oauth2.authorizationserver.client.support-console.registration.redirect-uris="
                + consoleUrl());
        command.add("--app.issuer.cors-origins=" + baseUrl("support-service"));
        start("token-issuer", new ProcessBuilder(command));
        awaitHttp(issuerUrl() + "/actuator/health/readiness", Duration.ofSeconds(120));
    }

    // ------------------------------------------------------------------ services

    public void startService(String service) {
        var state = work.resolve("state").resolve(service);
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var jar = ProjectLayout.serviceJar(root, service, version);
        if (!Files.exists(jar)) {
            throw new IllegalStateException("No " + jar + "; build the services first (./mvnw package)");
        }
        var command = new ArrayList<>(List.of(javaBin));
        command.addAll(serviceJvm);
        command.addAll(List.of("-jar", jar.toString(),
                "--spring.profiles.active=local", "--server.address=127.0.0.1", "--server.port=" + ports.get(service),
                "--app.kafka.bootstrap-servers=" + bootstrapServers(), "--app.kafka.registry-url=" + registryUrl(),
                "--app.kafka.state-dir=" + state,
                "--spring.security.oauth2.resourceserver.jwt.issuer-uri=" + issuerUrl(),
                "--spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + issuerUrl() + "/oauth2/jwks",
                // The support console's page calls orders, messaging and credits from the browser.
                "--app.cors.allowed-origins=" + baseUrl("support-service"),
                "--app.console.issuer-url=" + issuerUrl(), "--app.console.orders-url=" + baseUrl("orders-service"),
                "--app.console.messaging-url=" + baseUrl("messaging-service"),
                "--app.console.credits-url=" + baseUrl("credits-service"),
                // A killed instance's partitions move once its session expires: short here, like a test cluster.
                "--app.kafka.client[session.timeout.ms]=6000", "--app.kafka.client[heartbeat.interval.ms]=1000"));
        command.addAll(serviceArgs);
        start(service, new ProcessBuilder(command));
    }

    public boolean ready(String service) {
        return status(baseUrl(service) + "/actuator/health/readiness") == 200;
    }

    public void awaitReady(String service, Duration atMost) {
        var deadline = System.nanoTime() + atMost.toNanos();
        while (!ready(service)) {
            if (!processes.get(service).isAlive()) {
                throw new IllegalStateException(service + " exited; see " + logFile(service));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service + " not ready within " + atMost + "; see " + logFile(service));
            }
            pause();
        }
    }

    // ------------------------------------------------------------------ faults

    /** {@code kill -9}: no shutdown hook, no commit, no leaving the group. */
    public void kill(String name) {
        var process = processes.get(name);
        process.destroyForcibly();
        await(process);
    }

    /** {@code kill} (SIGTERM): an orderly shutdown, as Kubernetes does before it kills. */
    public void stop(String name) {
        var process = processes.get(name);
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        await(process);
    }

    public long pid(String name) {
        return processes.get(name).pid();
    }

    @Override
    public void close() {
        var names = new ArrayList<>(processes.keySet());
        java.util.Collections.reverse(names); // services first, the broker last
        for (var name : names) {
            var process = processes.get(name);
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    private void start(String name, ProcessBuilder builder) {
        try {
            Files.createDirectories(logs());
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(name)));
            processes.put(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private java.io.File logFile(String name) {
        return logs().resolve(name + ".log").toFile();
    }

    private static void await(Process process) {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Process " + process.pid() + " did not exit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitPort(int port, Duration atMost) {
        var deadline = System.nanoTime() + atMost.toNanos();
        while (true) {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Nothing listens on " + port + " after " + atMost);
                }
                pause();
            }
        }
    }

    private static void awaitHttp(String url, Duration atMost) {
        var deadline = System.nanoTime() + atMost.toNanos();
        while (status(url) != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " not answering 200 after " + atMost);
            }
            pause();
        }
    }

    public static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void put(String url, String json) {
        try {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("PUT " + url + ": " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polling interval while waiting for a process to come up (a condition is checked after each). */
    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
