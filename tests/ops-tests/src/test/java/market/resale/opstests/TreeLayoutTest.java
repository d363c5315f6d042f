package market.resale.opstests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import market.resale.schemas.topics.Topics;
import market.resale.testsupport.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The tree shows the system (README "The tree"): the root holds only the groups and the two commands; every module
 * sits in the group of its kind; the deployable services are exactly the applications of the topic catalogue; and the
 * paths the Java code asks {@link ProjectLayout} for exist.
 */
class TreeLayoutTest {

    static final Path ROOT = ProjectLayout.root();

    static final Set<String> ROOT_ENTRIES = Set.of(".ci", ".gitignore", ".mvn", "README.md", "mvnw", "mvnw.cmd", "pom.xml",
            "stack", "services", "libs", "tests", "tools", "deploy", "docs");

    /** Each group and the modules it holds: a new module goes in one of them. */
    static final Map<String, Set<String>> GROUPS = Map.of(
            "services", Set.copyOf(Topics.APPLICATIONS),
            "libs", Set.of("schemas", "platform", "test-support"),
            "tests", Set.of("system-tests", "fault-tests", "benchmarks", "console-tests", "ops-tests"),
            "tools", Set.of("token-issuer", "demo", "ops-tools", "local-stack"));

    @Test
    void theRootHoldsOnlyTheGroupsAndTheCommands() throws Exception {
        var tracked = git("ls-files").stream().map(f -> f.split("/")[0]).collect(Collectors.toSet());
        assertThat(tracked).as("the repository's root (README \"The tree\")").isEqualTo(ROOT_ENTRIES);
    }

    @Test
    void everyModuleSitsInTheGroupOfItsKind() throws IOException {
        var modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")))
                .results().map(m -> m.group(1)).toList();
        var expected = GROUPS.entrySet().stream().flatMap(g -> g.getValue().stream().map(m -> g.getKey() + "/" + m))
                .collect(Collectors.toSet());
        assertThat(modules).as("the root pom's modules").containsExactlyInAnyOrderElementsOf(expected);
        for (var group : GROUPS.keySet()) {
            try (Stream<Path> dirs = Files.list(ROOT.resolve(group))) {
                var found = dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).map(d -> d.getFileName().toString())
                        .collect(Collectors.toSet());
                assertThat(found).as("modules under %s/", group).isEqualTo(GROUPS.get(group));
            }
        }
    }

    @Test
    void onlyServicesAreDeployedAsServices() throws IOException {
        try (Stream<Path> manifests = Files.list(ROOT.resolve(ProjectLayout.K8S).resolve("base/services"))) {
            var deployed = manifests.map(m -> m.getFileName().toString().replace(".yaml", "")).collect(Collectors.toSet());
            assertThat(deployed).as("deploy/k8s/base/services").isEqualTo(Set.copyOf(Topics.APPLICATIONS));
        }
        for (var service : Topics.APPLICATIONS) {
            assertThat(ProjectLayout.service(ROOT, service).resolve("README.md")).isRegularFile();
        }
    }

    @Test
    void thePathsTheCodeAsksForExist() {
        for (var path : List.of(ProjectLayout.SERVICES, ProjectLayout.SCHEMAS, ProjectLayout.LOCAL_STACK,
                ProjectLayout.TOKEN_ISSUER, ProjectLayout.DEPLOY, ProjectLayout.K8S, ProjectLayout.OPS, ProjectLayout.DOCS)) {
            assertThat(ROOT.resolve(path)).as(path).isDirectory();
        }
        assertThat(ROOT.resolve(ProjectLayout.DEPLOY).resolve("docker-compose.yml")).isRegularFile();
    }

    /**
     * Inside a service the layers point one way (README "The tree"): {@code domain} imports no Avro record, stream or web
     * code; {@code stream} imports no web code (its own or the platform's). And the platform knows no service: no import
     * of a service's package, no service's name in its code (comments aside).
     */
    @Test
    void theLayersPointOneWayAndThePlatformKnowsNoService() throws IOException {
        var wrong = new java.util.ArrayList<String>();
        for (var service : Topics.APPLICATIONS) {
            var sources = ProjectLayout.service(ROOT, service).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    var layer = file.getParent().getFileName().toString();
                    for (var line : Files.readAllLines(file)) {
                        if (!line.startsWith("import ")) {
                            continue;
                        }
                        var toWeb = line.matches("import market\\.resale\\.[a-z]+\\.web\\..*");
                        var toStream = line.matches("import market\\.resale\\.[a-z]+\\.stream\\..*");
                        var toAvro = line.startsWith("import market.resale.schemas.") && !line.contains(".schemas.topics.");
                        if (layer.equals("stream") && toWeb || layer.equals("domain") && (toWeb || toStream || toAvro)) {
                            wrong.add(ROOT.relativize(file) + ": " + line);
                        }
                    }
                }
            }
        }
        var names = Pattern.compile("market\\.resale\\.(orders|shipping|credits|messaging|support)\\.|\"("
                + String.join("|", Topics.APPLICATIONS) + ")\"");
        try (Stream<Path> files = Files.walk(ROOT.resolve("libs/platform/src/main/java"))) {
            for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                for (var line : Files.readAllLines(file)) {
                    var code = line.strip();
                    if (!code.startsWith("*") && !code.startsWith("/") && names.matcher(code.replaceAll("//.*", "")).find()) {
                        wrong.add(ROOT.relativize(file) + ": " + code);
                    }
                }
            }
        }
        assertThat(wrong).as("imports and names against the layering").isEmpty();
    }

    /**
     * Each service converts between its Avro records and its domain in one place, a {@code *Records} class of its
     * {@code stream} package; and a domain value with many parts is copied only by its own {@code with…} methods.
     */
    @Test
    void avroAndDomainMeetInOneMappingAndValuesChangeThroughTheirWithMethods() throws IOException {
        var conversion = Pattern.compile("\\b[A-Z]\\w*\\.valueOf\\([^;]*\\.name\\(\\)\\)");
        var construction = Pattern.compile("new (Order|SupportCase|Conversation)\\(");
        var wrong = new java.util.ArrayList<String>();
        var mappings = new java.util.TreeSet<String>();
        for (var service : Topics.APPLICATIONS) {
            try (Stream<Path> files = Files.walk(ProjectLayout.service(ROOT, service).resolve("src/main/java"))) {
                for (var file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    var name = file.getFileName().toString();
                    var code = Files.readString(file);
                    if (name.endsWith("Records.java")) {
                        mappings.add(service + ": " + name);
                    } else if (conversion.matcher(code).find()) {
                        wrong.add(ROOT.relativize(file) + ": converts between Avro and domain outside its service's mapping");
                    }
                    var built = construction.matcher(code);
                    while (built.find()) {
                        if (!name.equals(built.group(1) + ".java")) {
                            wrong.add(ROOT.relativize(file) + ": builds a " + built.group(1) + " by hand");
                        }
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(mappings).as("one mapping per service that maps").containsExactly("messaging-service: MessageRecords.java",
                "orders-service: OrderRecords.java", "shipping-service: ShipmentRecords.java", "support-service: CaseRecords.java");
    }

    private static List<String> git(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of("git", "-C", ROOT.toString()));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(process.getInputStream().readAllBytes()).lines().toList();
        assertThat(process.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
