package market.resale.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The query side under load with a real HTTP load tool: {@code wrk} (Debian's package) with a Lua
 * script that walks a list of (path, token) pairs, each request as the order's own buyer. wrk keeps a
 * fixed number of connections busy (closed loop), so its latency is per request while the connections
 * stay saturated: it shows throughput and tail under contention, not an open-loop schedule.
 */
final class QueryLoad {

    /** What wrk measured. */
    record Result(String name, long requests, double requestsPerSecond, double p50Millis, double p99Millis, long non2xx,
                  long socketErrors, String raw) {
    }

    /** One request: a path and the bearer token to send it with. */
    record Call(String path, String token) {
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private QueryLoad() {
    }

    static boolean available() {
        try {
            return new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs wrk against {@code baseUrl} for {@code length} with {@code connections} connections on one thread. */
    static Result run(String name, String baseUrl, List<Call> calls, Duration length, int connections, Path work)
            throws IOException, InterruptedException {
        var script = new StringBuilder("local calls = {\n");
        for (var call : calls) {
            script.append("  {\"").append(call.path()).append("\", \"Bearer ").append(call.token()).append("\"},\n");
        }
        script.append("""
                }
                local i = 0
                request = function()
                  i = (i % #calls) + 1
                  return wrk.format("GET", calls[i][1], { ["Authorization"] = calls[i][2] })
                end
                """);
        Files.createDirectories(work);
        var file = work.resolve("wrk-" + name + ".lua");
        Files.writeString(file, script);
        var process = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + length.toSeconds() + "s", "--latency",
                "--timeout", "10s", "-s", file.toString(), baseUrl).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(length.toSeconds() + 60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        return parse(name, output);
    }

    static Result parse(String name, String output) {
        long socketErrors = 0;
        var socket = SOCKET.matcher(output);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                socketErrors += Long.parseLong(socket.group(g));
            }
        }
        var non2xx = NON_2XX.matcher(output);
        return new Result(name, Long.parseLong(find(REQUESTS, output)), Double.parseDouble(find(RATE, output)),
                percentile(output, "50%"), percentile(output, "99%"), non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0,
                socketErrors, output);
    }

    private static String find(Pattern pattern, String output) {
        var matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("Unexpected wrk output (" + pattern + "): " + output);
        }
        return matcher.group(1);
    }

    /** A line of wrk's latency distribution, {@code 99%   12.34ms}, in milliseconds. */
    private static double percentile(String output, String label) {
        var matcher = Pattern.compile("\\s" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s|m)\\b").matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("No " + label + " latency in wrk's output: " + output);
        }
        double value = Double.parseDouble(matcher.group(1));
        return switch (matcher.group(2)) {
            case "us" -> value / 1_000;
            case "ms" -> value;
            case "s" -> value * 1_000;
            default -> value * 60_000;
        };
    }
}
