package market.resale.opstools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.registry.SchemaRegistryException;
import market.resale.schemas.topics.Topics;

/**
 * The deploy step that registers the schemas this project writes ({@link Topics#written()}), each under its topic's
 * value subject, before the services start with auto-registration off. Registering a schema that is registered
 * already changes nothing (the registry answers its id), so the step can run at every deploy. A schema the registry
 * refuses (BACKWARD-incompatible with the subject's latest version) is named with the registry's answer, and the step
 * fails: nothing of that release should start. {@code --check} only looks every schema up (nothing is written).
 */
final class SchemaRegistration {

    /** One subject: the id the schema has there, or why it has none. */
    record Outcome(String subject, String schema, Integer id, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    private SchemaRegistration() {
    }

    static List<Outcome> run(SchemaRegistryClient registry, boolean checkOnly) {
        var outcomes = new ArrayList<Outcome>();
        for (var topic : Topics.written()) {
            var schema = topic.valueSchema();
            try {
                var id = checkOnly ? registry.lookup(topic.valueSubject(), schema) : registry.register(topic.valueSubject(), schema);
                outcomes.add(new Outcome(topic.valueSubject(), schema.getFullName(), id, null));
            } catch (SchemaRegistryException e) {
                outcomes.add(new Outcome(topic.valueSubject(), schema.getFullName(), null, e.getMessage()));
            }
        }
        return outcomes;
    }

    /** {@code register-schemas --registry-url=URL [--check=true]}: exit 0 when every schema is registered, 1 otherwise. */
    static int command(Map<String, String> options, PrintStream out, PrintStream err) {
        var checkOnly = Boolean.parseBoolean(options.getOrDefault("check", "false"));
        var registry = SchemaRegistryClients.forSettings(RegistrySettings.of(OpsTools.required(options, "registry-url")));
        var outcomes = run(registry, checkOnly);
        for (var outcome : outcomes) {
            if (outcome.ok()) {
                out.printf("%s %s: %s (id %d)%n", checkOnly ? "registered" : "ok", outcome.subject(), outcome.schema(), outcome.id());
            } else {
                err.printf("%s %s: %s: %s%n", checkOnly ? "missing" : "refused", outcome.subject(), outcome.schema(), outcome.problem());
            }
        }
        var failed = outcomes.stream().filter(o -> !o.ok()).count();
        out.printf("%d of %d schemas %s%n", outcomes.size() - failed, outcomes.size(), checkOnly ? "registered" : "registered or already there");
        return failed == 0 ? 0 : 1;
    }
}
