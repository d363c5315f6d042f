package market.resale.opstests;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node validators of {@code src/test/node} (installed by the build's {@code npm ci}): the AsyncAPI parser with
 * its Avro schema parser, and the Grafana dashboard schema.
 */
final class NodeChecks {

    static final Path ROOT = FreshMachineTest.ROOT;
    static final Path HOME = ROOT.resolve("tests/ops-tests/src/test/node");

    record Result(int exit, String output) {
    }

    /** Runs {@code node <script> <args>} in the validators' directory; its output, stdout and stderr together. */
    static Result run(String script, String... args) throws Exception {
        if (!Files.isDirectory(HOME.resolve("node_modules"))) {
            throw new IllegalStateException("The Node validators are not installed: run the build (npm ci in " + HOME + ")");
        }
        var command = new ArrayList<>(List.of("node", HOME.resolve(script).toString()));
        command.addAll(List.of(args));
        var output = Files.createTempFile("node-check", ".txt");
        try {
            var process = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " did not finish");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private NodeChecks() {
    }
}
