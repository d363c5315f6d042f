package market.resale.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the children the tests start (registry, token issuer) share: the JVM to run them with, their logs, stopping them. */
final class ChildProcesses {

    private ChildProcesses() {
    }

    /** The JVM running the tests is 21+ (the build's release), which the children need; the PATH's java may not be. */
    static Path javaBinary() {
        var java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java : ProcessHandle.current().info().command().map(Path::of).orElse(java);
    }

    /** The last 30 lines of a child's log, for an error message. */
    static String logTail(Path logFile) {
        try {
            var lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM, then SIGKILL after {@code patience}; its descendants too. */
    static void stop(Process process, Duration patience) {
        if (!process.isAlive()) {
            return;
        }
        var descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(patience.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(patience.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
