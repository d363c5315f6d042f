package market.resale.schemas.compatibility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The {@code .avsc} files under a directory, parsed as the avro-maven-plugin does: with one parser, so
 * that a schema may refer to a type of another file by its full name, and {@code common/} first since
 * that is where the shared types live.
 */
final class AvroSchemaTree {

    private AvroSchemaTree() {
    }

    /** Each schema by its path relative to the root, with '/' separators (e.g. {@code topics/OrderPlaced.avsc}). */
    static Map<String, Schema> parse(Path root) {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (Path file : files(root)) {
            String name = root.relativize(file).toString().replace('\\', '/');
            try {
                schemas.put(name, parser.parse(file.toFile()));
            } catch (IOException e) {
                throw new UncheckedIOException("Could not read " + file, e);
            } catch (SchemaParseException e) {
                throw new IllegalStateException("Could not parse " + file + ": " + e.getMessage(), e);
            }
        }
        return schemas;
    }

    private static List<Path> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".avsc"))
                    .sorted(Comparator.comparing((Path p) -> !root.relativize(p).startsWith("common")).thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + root, e);
        }
    }
}
