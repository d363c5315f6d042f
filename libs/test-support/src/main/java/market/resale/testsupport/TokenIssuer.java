package market.resale.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack's token issuer (the token-issuer module: Spring Authorization Server) running as a
 * child process on 127.0.0.1, as the services meet it in the local profile: they validate every token
 * through its JWKS. Tests get tokens from it the way the demo and the README do, with the
 * {@code local-tools} client's client-credentials grant naming a user and roles.
 *
 * <p>Its signing key is written to a file in its state directory, so a test can also sign tokens the
 * issuer would never issue (expired, for another audience) with the issuer's own key.
 */
public final class TokenIssuer implements AutoCloseable {

    /** System property naming the issuer's runnable jar. */
    public static final String JAR_PROPERTY = "token-issuer.jar";
    public static final String CLIENT_ID = "local-tools";
    public static final String CLIENT_SECRET = "local-tools-secret";
    public static final String AUDIENCE = "order-cancellation";

    private static final Logger log = LoggerFactory.getLogger(TokenIssuer.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TokenIssuer shared;

    private final Process process;
    private final String url;
    private final Path keyFile;
    private final Path logFile;

    private TokenIssuer(Process process, String url, Path keyFile, Path logFile) {
        this.process = process;
        this.url = url;
        this.keyFile = keyFile;
        this.logFile = logFile;
    }

    /** The issuer shared by every test of this JVM, started on first use and stopped by a shutdown hook. Do not close it. */
    public static synchronized TokenIssuer shared() {
        if (shared == null || !shared.process.isAlive()) {
            var started = start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "token-issuer-stop"));
            shared = started;
        }
        return shared;
    }

    /** Starts an issuer of its own (a new key in a new directory); the caller closes it. */
    public static TokenIssuer start() {
        try {
            return start(Files.createTempDirectory("token-issuer"), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the issuer with its key in {@code stateDir} (kept across restarts) and its output in
     * {@code logFile} (null: a file under {@code target/}).
     */
    public static TokenIssuer start(Path stateDir, Path logFile) {
        var jar = jar();
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            var port = ApicurioRegistry.freePort();
            var log = logFile != null ? logFile : Path.of("target").toAbsolutePath().resolve("token-issuer-" + port + ".log");
            try {
                return startOnce(jar, port, stateDir.resolve("signing-key.json"), log);
            } catch (IllegalStateException e) {
                // A free port found here can be taken by someone else before Tomcat binds it.
                failure = e;
                TokenIssuer.log.warn("Token issuer did not start on port {}, retrying: {}", port, e.getMessage());
            }
        }
        throw failure;
    }

    /** The command line that runs the issuer as the local stack does, on {@code port} with its key in {@code keyFile}. */
    public static List<String> command(Path jar, int port, Path keyFile) {
        return List.of(ChildProcesses.javaBinary().toString(), "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(),
                "--server.address=127.0.0.1", "--server.port=" + port,
                "--spring.security.oauth2.authorizationserver.issuer=http://127.0.0.1:" + port,
                "--app.issuer.key-file=" + keyFile, "--spring.main.banner-mode=off");
    }

    private static TokenIssuer startOnce(Path jar, int port, Path keyFile, Path logFile) {
        Process process;
        try {
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(command(jar, port, keyFile)).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the token issuer from " + jar, e);
        }
        var issuer = new TokenIssuer(process, "http://127.0.0.1:" + port, keyFile, logFile);
        try {
            issuer.awaitReady();
        } catch (RuntimeException e) {
            issuer.close();
            throw e;
        }
        log.info("Token issuer (pid {}) answers at {}; log {}", process.pid(), issuer.url, logFile);
        return issuer;
    }

    /** The issuer ({@code iss} of its tokens), e.g. {@code http://127.0.0.1:8090}. */
    public String url() {
        return url;
    }

    public String jwkSetUri() {
        return url + "/oauth2/jwks";
    }

    /** Where the issuer's signing key (a private RSA JWK) is kept. */
    public Path keyFile() {
        return keyFile;
    }

    /** The properties that make a service trust this issuer, as the local profile's TOKEN_ISSUER_URL does. */
    public Map<String, Object> serviceProperties() {
        return Map.of("spring.security.oauth2.resourceserver.jwt.issuer-uri", url,
                "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", jwkSetUri());
    }

    /** An access token for {@code user} with {@code roles}, as the demo gets one. */
    public String token(String user, String... roles) {
        return tokenFrom(url, user, roles);
    }

    /** A carrier's client token: {@code user} with the CARRIER role speaking for {@code carrier} (its parcels only). */
    public String carrierToken(String user, String carrier) {
        return tokenFor(url, Map.of("user", user, "roles", "CARRIER", "carrier", carrier));
    }

    /** An access token for {@code user} from the issuer at {@code issuerUrl} (any running one, e.g. a stack's). */
    public static String tokenFrom(String issuerUrl, String user, String... roles) {
        return tokenFor(issuerUrl, Map.of("user", user, "roles", String.join(" ", roles)));
    }

    private static String tokenFor(String issuerUrl, Map<String, String> parameters) {
        var user = parameters.get("user");
        var response = requestToken(issuerUrl, CLIENT_ID, CLIENT_SECRET, parameters);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The token issuer refused a token for " + user + ": " + response.statusCode() + " " + response.body());
        }
        var matcher = ACCESS_TOKEN.matcher(response.body());
        if (!matcher.find()) {
            throw new IllegalStateException("No access_token in the issuer's answer: " + response.body());
        }
        return matcher.group(1);
    }

    /** A client-credentials token request with {@code parameters} added, as a client sends it; the raw answer. */
    public static HttpResponse<String> requestToken(String issuerUrl, String clientId, String secret, Map<String, String> parameters) {
        var form = new StringBuilder("grant_type=client_credentials");
        parameters.forEach((k, v) -> form.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        var basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create(issuerUrl + "/oauth2/token")).timeout(Duration.ofSeconds(15))
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Token request to " + issuerUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, STOP_TIMEOUT);
    }

    private void awaitReady() {
        var probe = HttpRequest.newBuilder(URI.create(url + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The token issuer exited with " + process.exitValue() + "; " + logFile + " ends with:\n" + logTail());
            }
            try {
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the token issuer", e);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the token issuer", e);
            }
        }
        throw new IllegalStateException("The token issuer did not get ready within " + STARTUP_TIMEOUT + "; " + logFile + " ends with:\n" + logTail());
    }

    private String logTail() {
        return ChildProcesses.logTail(logFile);
    }

    /** The runnable jar: the build's property, or the one under {@link ProjectLayout#TOKEN_ISSUER} (an IDE run). */
    public static Path jar() {
        var configured = System.getProperty(JAR_PROPERTY);
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        var target = ProjectLayout.root().resolve(ProjectLayout.TOKEN_ISSUER).resolve("target");
        if (Files.isDirectory(target)) {
            try (var files = Files.list(target)) {
                var found = files.filter(f -> f.getFileName().toString().endsWith("-exec.jar")).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("No token-issuer jar (" + configured + "): build it first (./mvnw package -pl tools/token-issuer)");
    }
}
