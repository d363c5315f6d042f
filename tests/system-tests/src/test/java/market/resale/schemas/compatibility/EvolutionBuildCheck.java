package market.resale.schemas.compatibility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build's BACKWARD check ({@link BackwardCompatibility}, what {@code SchemaCompatibilityTest} runs in
 * the schemas module) applied to "what if this file replaced a schema of {@code libs/schemas/src/main/avro}":
 * the module's current tree is copied, the one file replaced, and the copy compared with the module's
 * real {@code src/released}. Lives in the checker's package because the checker is package-private.
 */
public final class EvolutionBuildCheck {

    private EvolutionBuildCheck() {
    }

    /**
     * The problems the build would report if {@code relativePath} (e.g. {@code topics/OrderPlaced.avsc})
     * of {@code schemasModule/src/main/avro} had the content of {@code evolved}; empty when it would pass.
     */
    public static List<String> problemsIfReplaced(Path schemasModule, String relativePath, Path evolved) {
        Path current = schemasModule.resolve("src/main/avro");
        Path released = schemasModule.resolve("src/released");
        if (!Files.isRegularFile(current.resolve(relativePath)) || !Files.isDirectory(released)) {
            throw new IllegalArgumentException("No " + relativePath + " under " + current + " or no " + released);
        }
        try {
            Path copy = Files.createTempDirectory("evolved-avro");
            try (Stream<Path> walk = Files.walk(current)) {
                for (Path source : walk.toList()) {
                    Path target = copy.resolve(current.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.copy(evolved, copy.resolve(relativePath), StandardCopyOption.REPLACE_EXISTING);
            return BackwardCompatibility.problems(copy, released);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
