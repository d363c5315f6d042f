package market.resale.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Apicurio Registry (the distribution local-stack unpacks) running as a child process on
 * 127.0.0.1, in-memory storage, global compatibility BACKWARD as in every environment.
 *
 * <p>Starting it costs seconds, so integration tests share one per JVM through {@link #shared()};
 * subjects are global, so tests sharing it use their own subject (topic) names.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** System property naming the unpacked distribution (the directory holding {@code quarkus-run.jar}). */
    public static final String HOME_PROPERTY = "apicurio.home";

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    private static ApicurioRegistry shared;

    private final Process process;
    private final String baseUrl;
    private final Path logFile;

    private ApicurioRegistry(Process process, String baseUrl, Path logFile) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.logFile = logFile;
    }

    /**
     * The registry shared by every test of this JVM, started on first use and stopped by a shutdown
     * hook. Do not close it.
     */
    public static synchronized ApicurioRegistry shared() {
        if (shared == null || !shared.process.isAlive()) {
            ApicurioRegistry started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "apicurio-registry-stop"));
            shared = started;
        }
        return shared;
    }

    /** Starts a registry of its own; the caller closes it. */
    public static ApicurioRegistry start() {
        Path home = home();
        IllegalStateException failure = null;
        // A free port found here can be taken by someone else before Quarkus binds it; a few attempts cover that race.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(home);
            } catch (PortRaceException e) {
                failure = e;
                log.warn("Apicurio Registry lost its port, retrying: {}", e.getMessage());
            }
        }
        throw failure;
    }

    /** Base URL of the Confluent-compatible API, for {@code schema.registry.url}. */
    public String ccompatUrl() {
        return baseUrl + "/apis/ccompat/v7";
    }

    /** Base URL of Apicurio's own v3 REST API, for Apicurio's serdes ({@code apicurio.registry.url}). */
    public String nativeUrl() {
        return baseUrl + "/apis/registry/v3";
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Where the registry's console output goes. */
    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        // Quarkus runs no children today, but a launcher script or a future version may: they are stopped too.
        ChildProcesses.stop(process, STOP_TIMEOUT);
    }

    private static ApicurioRegistry startOnce(Path home) {
        int httpPort = freePort();
        int managementPort = freePort();
        Path logFile = logDirectory().resolve("apicurio-registry-" + httpPort + ".log");
        List<String> command = List.of(
                ChildProcesses.javaBinary().toString(),
                // Small, fast-starting test instance: C1 only, serial GC, a bounded heap.
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                // The default pool opens 20 connections to the in-memory H2 database before answering.
                "-Dapicurio.datasource.jdbc.initial-size=2",
                "-Dapicurio.datasource.jdbc.min-size=2",
                "-Dquarkus.otel.sdk.disabled=true",
                "-jar", "quarkus-run.jar");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Apicurio Registry from " + home, e);
        }
        ApicurioRegistry registry = new ApicurioRegistry(process, "http://127.0.0.1:" + httpPort, logFile);
        try {
            registry.awaitReady();
            registry.setGlobalCompatibility("BACKWARD");
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        log.info("Apicurio Registry (pid {}) answers at {}; log {}", process.pid(), registry.baseUrl, logFile);
        return registry;
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String tail = logTail();
                if (tail.contains("Port already bound") || tail.contains("Address already in use")) {
                    throw new PortRaceException(tail);
                }
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + " before answering; "
                        + logFile + " ends with:\n" + tail);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
            try {
                process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
            }
        }
        throw new IllegalStateException("Apicurio Registry did not answer " + ccompatUrl() + "/subjects within " + STARTUP_TIMEOUT
                + "; " + logFile + " ends with:\n" + logTail());
    }

    /** Its default is NONE; every environment of this project runs BACKWARD (docs/contract.md). */
    private void setGlobalCompatibility(String level) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/config"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
                .build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Setting compatibility " + level + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not set compatibility " + level, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTail() {
        return ChildProcesses.logTail(logFile);
    }

    private static Path home() {
        String configured = System.getProperty(HOME_PROPERTY);
        Path home = configured != null && !configured.isBlank() ? Path.of(configured) : ProjectLayout.apicurioHome(ProjectLayout.root());
        if (home == null || !Files.isRegularFile(home.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("No Apicurio Registry distribution at " + (home == null ? "(not found)" : home)
                    + ": build local-stack first (./mvnw install -pl tools/local-stack) or set -D" + HOME_PROPERTY);
        }
        return home;
    }

    private static Path logDirectory() {
        Path dir = Path.of("target");
        try {
            return Files.createDirectories(dir).toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        }
    }

    private static final class PortRaceException extends IllegalStateException {
        PortRaceException(String logTail) {
            super("a port was taken before the registry bound it:\n" + logTail);
        }
    }
}
