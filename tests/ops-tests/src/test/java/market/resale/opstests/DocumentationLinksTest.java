package market.resale.opstests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Whoever clones the repository can follow every link in its documents: each relative link of every {@code *.md}
 * (Markdown links and HTML {@code href}/{@code src}) names a file or directory inside the repository, and a
 * {@code #fragment} into a Markdown file names one of its headings (GitHub's anchors).
 */
class DocumentationLinksTest {

    static final Path ROOT = FreshMachineTest.ROOT;
    private static final Set<String> SKIPPED = Set.of(".git", "target", "node_modules", ".stack", ".idea");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("!?\\[[^\\]]*]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HTML_LINK = Pattern.compile("(?:href|src)=\"([^\"]+)\"");
    private static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        var documents = documents();
        assertThat(documents).as("Markdown documents found").hasSizeGreaterThan(10);
        var broken = new ArrayList<String>();
        for (var document : documents) {
            for (var link : links(document)) {
                problem(document, link).ifPresent(p -> broken.add(ROOT.relativize(document) + ": (" + link + ") " + p));
            }
        }
        assertThat(broken).as("links that do not resolve inside the repository").isEmpty();
    }

    @Test
    void theRulesAndTheContractAreInTheRepositoryAndTheReadmeLinksThem() throws IOException {
        var readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(links(ROOT.resolve("README.md"))).contains("docs/rules.md", "docs/contract.md", "docs/asyncapi.yaml");
        assertThat(readme).doesNotContain("../shared");
        var rules = Files.readString(ROOT.resolve("docs/rules.md"));
        for (int rule = 1; rule <= 15; rule++) {
            assertThat(rules).as("rule %d", rule).contains("**" + rule + ". ");
        }
        assertThat(Files.readString(ROOT.resolve("docs/contract.md")))
                .contains("`checkout.order-placed`", "`carrier.scans`", "`reviews.order-rated`", "Confluent wire format");
    }

    static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md")).filter(DocumentationLinksTest::inTheRepository).sorted().toList();
        }
    }

    private static boolean inTheRepository(Path file) {
        for (var part : ROOT.relativize(file)) {
            if (SKIPPED.contains(part.toString())) {
                return false;
            }
        }
        return true;
    }

    /** The link targets of a document, code blocks and code spans left out (they show commands, not links). */
    static List<String> links(Path document) throws IOException {
        var text = CODE_SPAN.matcher(FENCE.matcher(Files.readString(document)).replaceAll("")).replaceAll("");
        var links = new ArrayList<String>();
        for (var pattern : List.of(MARKDOWN_LINK, HTML_LINK)) {
            var matcher = pattern.matcher(text);
            while (matcher.find()) {
                links.add(matcher.group(1));
            }
        }
        return links;
    }

    private static java.util.Optional<String> problem(Path document, String link) throws IOException {
        if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return java.util.Optional.empty(); // http:, https:, mailto: — outside the repository by intent
        }
        var hash = link.indexOf('#');
        var path = hash < 0 ? link : link.substring(0, hash);
        var fragment = hash < 0 ? null : link.substring(hash + 1);
        var target = path.isEmpty() ? document : document.getParent().resolve(path).normalize();
        if (!target.startsWith(ROOT)) {
            return java.util.Optional.of("leaves the repository");
        }
        if (!Files.exists(target)) {
            return java.util.Optional.of("no such file");
        }
        if (fragment != null && !fragment.isEmpty() && target.toString().endsWith(".md")
                && !anchors(target).contains(fragment)) {
            return java.util.Optional.of("no heading #" + fragment + " in " + ROOT.relativize(target));
        }
        return java.util.Optional.empty();
    }

    /** GitHub's heading anchors: lower case, punctuation dropped but for '-' and '_', spaces as '-'. */
    static Set<String> anchors(Path document) throws IOException {
        var text = FENCE.matcher(Files.readString(document)).replaceAll("");
        return text.lines().filter(l -> l.matches("^#{1,6}\\s+.*"))
                .map(l -> l.replaceFirst("^#{1,6}\\s+", "").strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
