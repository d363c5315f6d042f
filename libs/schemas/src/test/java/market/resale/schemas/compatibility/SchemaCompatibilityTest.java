package market.resale.schemas.compatibility;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a schema change would be refused by the registry (BACKWARD): a field added
 * without a default, a type changed, a symbol removed without an enum default, a released schema
 * deleted. Released versions live in {@code src/released}.
 */
class SchemaCompatibilityTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path CURRENT = MODULE.resolve("src/main/avro");
    private static final Path RELEASED = MODULE.resolve("src/released");

    @Test
    void everyCurrentSchemaReadsDataWrittenWithItsReleasedVersion() {
        List<String> problems = BackwardCompatibility.problems(CURRENT, RELEASED);

        assertThat(problems)
                .as("Schemas in %s that break BACKWARD compatibility with %s: a new field needs a default, released enum symbols and schemas must stay", CURRENT, RELEASED)
                .isEmpty();
    }

    @Test
    void everyReleasedSchemaIsChecked() {
        // Guards the check itself: an empty or misplaced released tree would pass vacuously. Schemas
        // added since the release are not in it yet; every released one must still be current.
        var released = AvroSchemaTree.parse(RELEASED);
        assertThat(released).isNotEmpty();
        assertThat(AvroSchemaTree.parse(CURRENT)).containsKeys(released.keySet().toArray(String[]::new));
    }

    @Test
    void rejectsAFieldAddedWithoutDefault() {
        Path fixture = fixture("field-without-default");

        List<String> problems = BackwardCompatibility.problems(fixture.resolve("current"), fixture.resolve("released"));

        assertThat(problems).singleElement().asString()
                .contains("topics/OrderPlaced.avsc", "market.resale.schemas.checkout.OrderPlaced", "READER_FIELD_MISSING_DEFAULT_VALUE", "shippingMethod");
    }

    @Test
    void rejectsARemovedEnumSymbolAndADeletedSchema() {
        Path fixture = fixture("symbol-removed-and-schema-deleted");

        List<String> problems = BackwardCompatibility.problems(fixture.resolve("current"), fixture.resolve("released"));

        assertThat(problems).hasSize(3)
                .anySatisfy(p -> assertThat(p).contains("common/ItemCondition.avsc", "MISSING_ENUM_SYMBOLS", "FAIR"))
                .anySatisfy(p -> assertThat(p).contains("topics/OrderPlaced.avsc", "MISSING_ENUM_SYMBOLS"))
                .anySatisfy(p -> assertThat(p).contains("topics/CarrierScan.avsc", "no longer in"));
    }

    @Test
    void acceptsAFieldAddedWithADefault() {
        Path fixture = fixture("field-with-default");

        assertThat(BackwardCompatibility.problems(fixture.resolve("current"), fixture.resolve("released"))).isEmpty();
    }

    private static Path fixture(String name) {
        try {
            return Path.of(Objects.requireNonNull(SchemaCompatibilityTest.class.getResource("/compatibility/" + name), name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
