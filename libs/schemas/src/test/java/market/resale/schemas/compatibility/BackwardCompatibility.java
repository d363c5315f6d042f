package market.resale.schemas.compatibility;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The registry's BACKWARD rule, checked at build time: every released schema must still be there,
 * and its current version must be able to read data written with the released one.
 */
final class BackwardCompatibility {

    private BackwardCompatibility() {
    }

    /** One line per broken schema, naming the file, the type and what breaks; empty when all is compatible. */
    static List<String> problems(Path current, Path released) {
        Map<String, Schema> now = AvroSchemaTree.parse(current);
        List<String> problems = new ArrayList<>();
        AvroSchemaTree.parse(released).forEach((file, writer) -> {
            Schema reader = now.get(file);
            if (reader == null) {
                problems.add(file + " (" + writer.getFullName() + ") was released but is no longer in " + current);
                return;
            }
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                problems.add(file + " (" + reader.getFullName() + ") cannot read data written with its released version: "
                        + result.getResult().getIncompatibilities().stream()
                                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                                .collect(Collectors.joining("; ")));
            }
        });
        return problems;
    }
}
