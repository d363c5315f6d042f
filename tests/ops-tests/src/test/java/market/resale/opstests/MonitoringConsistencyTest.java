package market.resale.opstests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The monitoring artefacts agree with each other: the PrometheusRule carries exactly the rule file's
 * groups, every alert is routable, documented and unit-tested both ways, the dashboards use current
 * panel types and stable uids, and the kustomization ships every dashboard and scrapes every service.
 * (Whether the queries parse and name real metrics is checked against a live scrape by
 * deploy/ops/live-check.sh; promtool runs the alert unit tests.)
 */
class MonitoringConsistencyTest {

    private static final Path ROOT = ProjectLayout.root();
    private static final Path RULES = ROOT.resolve(ProjectLayout.OPS).resolve("prometheus/alerts.yml");
    private static final Path RULE_TESTS = ROOT.resolve(ProjectLayout.OPS).resolve("prometheus/alerts.test.yml");
    private static final Path COMPOSE_PROMETHEUS = ROOT.resolve(ProjectLayout.OPS).resolve("prometheus/prometheus.yml");
    private static final Path README = ROOT.resolve(ProjectLayout.OPS).resolve("README.md");
    private static final Path MONITORING = ROOT.resolve(ProjectLayout.K8S).resolve("base/monitoring");
    private static final Path DASHBOARDS = MONITORING.resolve("dashboards");
    private static final List<String> SERVICES =
            List.of("orders-service", "shipping-service", "credits-service", "messaging-service", "support-service");
    private static final Set<String> DEPRECATED_PANELS = Set.of("graph", "singlestat", "table-old");

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Grafana's own dashboard schema (@grafana/schema, type-checked with tsc): fields, types and enum values. */
    @Test
    void everyDashboardIsValidAgainstGrafanasDashboardSchema() throws Exception {
        try (var files = Files.list(DASHBOARDS)) {
            var dashboards = files.filter(p -> p.toString().endsWith(".json")).map(p -> p.toAbsolutePath().normalize().toString())
                    .sorted().toArray(String[]::new);
            assertThat(dashboards).isNotEmpty();
            var result = NodeChecks.run("check-dashboards.mjs", dashboards);
            assertThat(result.exit()).as(result.output()).isZero();
        }
    }

    /** Guards the check above: a field the schema does not have, or a value outside its enum, fails it. */
    @Test
    void aDashboardOutsideTheSchemaFailsTheCheck(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        var original = Files.readString(DASHBOARDS.resolve("business.json"));
        var unknownField = work.resolve("unknown-field.json");
        Files.writeString(unknownField, original.replaceFirst("\"title\":", "\"titel\": \"x\", \"title\":"));
        var badEnum = work.resolve("bad-enum.json");
        Files.writeString(badEnum, original.replaceFirst("\"mode\": \"absolute\"", "\"mode\": \"relative-ish\""));
        for (var dashboard : List.of(unknownField, badEnum)) {
            var result = NodeChecks.run("check-dashboards.mjs", dashboard.toString());
            assertThat(result.exit()).as(dashboard + ": " + result.output()).isEqualTo(1);
        }
    }

    @Test
    void thePrometheusRuleCarriesExactlyTheGroupsOfTheRuleFile() throws IOException {
        var rules = yaml(RULES);
        var prometheusRule = yaml(MONITORING.resolve("prometheus-rule.yaml"));

        assertThat(prometheusRule.path("apiVersion").asString()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(prometheusRule.path("kind").asString()).isEqualTo("PrometheusRule");
        assertThat(prometheusRule.path("spec").path("groups"))
                .as("deploy/k8s/base/monitoring/prometheus-rule.yaml differs from deploy/ops/prometheus/alerts.yml; run deploy/ops/sync-prometheus-rule.sh")
                .isEqualTo(rules.path("groups"));
        assertThat(prometheusRule.path("spec").propertyNames()).containsExactly("groups");
    }

    @Test
    void everyAlertHasASeverityASummaryADescriptionAndARunbookSection() throws IOException {
        var anchors = readmeAnchors();
        var alerts = alerts();
        assertThat(alerts).isNotEmpty();

        for (var alert : alerts) {
            var name = alert.path("alert").asString();
            assertThat(alert.path("labels").path("severity").asString()).as(name).isIn("page", "ticket");
            assertThat(alert.path("annotations").path("summary").asString()).as(name).isNotBlank();
            assertThat(alert.path("annotations").path("description").asString()).as(name).isNotBlank();
            assertThat(alert.path("annotations").path("runbook_url").asString()).as(name)
                    .isEqualTo("deploy/ops/README.md#" + name.toLowerCase(Locale.ROOT));
            assertThat(anchors).as("a section \"%s\" in deploy/ops/README.md", name).contains(name.toLowerCase(Locale.ROOT));
        }
        assertThat(alerts.stream().map(a -> a.path("alert").asString()))
                .as("alert names are unique").doesNotHaveDuplicates();
    }

    @Test
    void everyAlertHasAUnitTestThatFiresItAndOneThatShowsItQuiet() throws IOException {
        var tests = yaml(RULE_TESTS);
        assertThat(tests.path("rule_files").values().stream().map(JsonNode::asString)).containsExactly("alerts.yml");

        var firing = new HashSet<String>();
        var quiet = new HashSet<String>();
        for (var test : tests.path("tests")) {
            for (var check : test.path("alert_rule_test")) {
                var expected = check.path("exp_alerts");
                (expected.isEmpty() ? quiet : firing).add(check.path("alertname").asString());
            }
        }
        var names = alerts().stream().map(a -> a.path("alert").asString()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(firing).as("alerts some test fires").containsAll(names);
        assertThat(quiet).as("alerts some test shows quiet").containsAll(names);
        assertThat(names).as("every tested alert exists").containsAll(firing).containsAll(quiet);
    }

    @Test
    void everyServiceIsScrapedAndWatchedForDowntime() throws IOException {
        var jobs = new ArrayList<String>();
        for (var job : yaml(COMPOSE_PROMETHEUS).path("scrape_configs")) {
            if (SERVICES.contains(job.path("job_name").asString())) {
                jobs.add(job.path("job_name").asString());
                assertThat(job.path("metrics_path").asString()).isEqualTo("/actuator/prometheus");
            }
        }
        assertThat(jobs).containsExactlyInAnyOrderElementsOf(SERVICES);

        var absent = alerts().stream().filter(a -> a.path("alert").asString().equals("ServiceAbsent")).findFirst().orElseThrow();
        for (var service : SERVICES) {
            assertThat(absent.path("expr").asString()).contains("absent(up{job=\"" + service + "\"})");
        }

        var monitors = yamlDocuments(MONITORING.resolve("servicemonitors.yaml"));
        assertThat(monitors).hasSize(SERVICES.size());
        var selected = new ArrayList<String>();
        for (var monitor : monitors) {
            assertThat(monitor.path("apiVersion").asString()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(monitor.path("kind").asString()).isEqualTo("ServiceMonitor");
            var service = monitor.path("spec").path("selector").path("matchLabels").path("app.kubernetes.io/name").asString();
            selected.add(service);
            assertThat(monitor.path("metadata").path("name").asString()).isEqualTo(service);
            assertThat(monitor.path("spec").path("jobLabel").asString()).isEqualTo("app.kubernetes.io/name");
            assertThat(monitor.path("spec").path("endpoints")).singleElement().satisfies(endpoint -> {
                assertThat(endpoint.path("port").asString()).isEqualTo("http");
                assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
            });
        }
        assertThat(selected).containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @Test
    void dashboardsHaveStableUniqueUidsAndCurrentPanelTypes() throws IOException {
        var uids = new ArrayList<String>();
        for (var file : dashboardFiles()) {
            var dashboard = JSON.readTree(Files.readString(file));
            var name = file.getFileName().toString();
            uids.add(dashboard.path("uid").asString());
            assertThat(dashboard.path("uid").asString()).as(name).matches("[a-z0-9-]{1,40}");
            assertThat(dashboard.path("title").asString()).as(name).isNotBlank();
            assertThat(dashboard.path("schemaVersion").asInt()).as(name).isGreaterThanOrEqualTo(39);

            var panels = panels(dashboard.path("panels"));
            assertThat(panels).as(name).isNotEmpty();
            assertThat(panels.stream().map(p -> p.path("id").asInt())).as("%s: panel ids", name).doesNotHaveDuplicates();
            for (var panel : panels) {
                var what = name + ": " + panel.path("title").asString();
                assertThat(panel.path("type").asString()).as(what).isNotBlank().isNotIn(DEPRECATED_PANELS);
                for (var target : panel.path("targets")) {
                    assertThat(target.path("expr").asString()).as(what).isNotBlank();
                    assertThat(target.path("datasource").path("uid").asString()).as(what).isIn("${datasource}", "prometheus");
                }
                if (!panel.path("type").asString().equals("row")) {
                    assertThat(panel.path("targets")).as(what).isNotEmpty();
                }
            }
        }
        assertThat(uids).doesNotHaveDuplicates().contains("order-cancellation-business", "order-cancellation-health");
    }

    @Test
    void theKustomizationShipsEveryDashboardForTheGrafanaSidecar() throws IOException {
        var kustomization = yaml(MONITORING.resolve("kustomization.yaml"));
        assertThat(kustomization.path("resources").values().stream().map(JsonNode::asString))
                .contains("servicemonitors.yaml", "prometheus-rule.yaml");

        var shipped = new ArrayList<String>();
        for (var generator : kustomization.path("configMapGenerator")) {
            var options = generator.path("options");
            assertThat(options.path("labels").path("grafana_dashboard").asString()).as(generator.path("name").asString()).isEqualTo("1");
            assertThat(options.path("disableNameSuffixHash").asBoolean()).as(generator.path("name").asString()).isTrue();
            generator.path("files").forEach(f -> shipped.add(f.asString()));
        }
        var dashboards = dashboardFiles().stream().map(f -> "dashboards/" + f.getFileName()).toList();
        assertThat(dashboards).isNotEmpty();
        assertThat(shipped).containsExactlyInAnyOrderElementsOf(dashboards);
    }

    private static List<JsonNode> alerts() throws IOException {
        var alerts = new ArrayList<JsonNode>();
        for (var group : yaml(RULES).path("groups")) {
            for (var rule : group.path("rules")) {
                if (rule.has("alert")) {
                    alerts.add(rule);
                }
            }
        }
        return alerts;
    }

    private static List<JsonNode> panels(JsonNode list) {
        var out = new ArrayList<JsonNode>();
        for (var panel : list) {
            out.add(panel);
            out.addAll(panels(panel.path("panels")));
        }
        return out;
    }

    private static List<Path> dashboardFiles() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** GitHub's heading anchors: lower case, punctuation other than - and _ dropped, spaces to -. */
    private static Set<String> readmeAnchors() throws IOException {
        var heading = Pattern.compile("^#{1,6}\\s+(.*?)\\s*$");
        return Files.readAllLines(README).stream().map(heading::matcher).filter(java.util.regex.Matcher::matches)
                .map(m -> m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }

    private static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(Files.readString(file));
    }

    private static List<JsonNode> yamlDocuments(Path file) throws IOException {
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            return documents.readAll();
        }
    }
}
