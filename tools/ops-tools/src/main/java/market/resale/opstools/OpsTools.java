package market.resale.opstools;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import market.resale.schemas.registry.RegistrySettings;
import market.resale.schemas.registry.SchemaRegistryClients;
import market.resale.schemas.serde.TrustedPackages;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar ops-tools.jar <command> --bootstrap-servers=... --registry-url=... [options]}
 * <ul>
 *   <li>{@code reconcile [--settle=PT2M]}: prints the report as JSON; exit 0 consistent, 1 violated, 2 still settling.</li>
 *   <li>{@code redrive --dead-letter-topic=<service>.dlt [--key=K] [--partition=P --offset=N] --operator=NAME --reason=TEXT}:
 *   replays dead letters to their source topics once each, with an audit record; prints what it did.</li>
 *   <li>{@code register-schemas --registry-url=... [--check=true]} (no brokers needed): the deploy step that registers
 *   the schemas this project writes before the services start with auto-registration off; exit 0 all registered, 1 a
 *   schema was refused (named, with the registry's answer). {@code --check=true} only looks them up.</li>
 * </ul>
 * Further Kafka client settings (SASL, TLS) come from {@code --kafka.<name>=<value>}, for example
 * {@code --kafka.security.protocol=SASL_SSL}.
 */
public final class OpsTools {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    /** The command line without exiting: its exit code; what it prints goes to {@code out} and {@code err}. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        TrustedPackages.register();
        if (args.length == 0 || !java.util.Set.of("reconcile", "redrive", "register-schemas").contains(args[0])) {
            err.println("usage: ops-tools reconcile|redrive --bootstrap-servers=HOST:PORT --registry-url=URL [options]");
            err.println("       ops-tools register-schemas --registry-url=URL [--check=true]");
            return 64;
        }
        var options = new HashMap<String, String>();
        for (var arg : Arrays.copyOfRange(args, 1, args.length)) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                err.println("options are --name=value; got " + arg);
                return 64;
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        if (args[0].equals("register-schemas")) {
            return SchemaRegistration.command(options, out, err);
        }
        var client = new HashMap<String, Object>();
        client.put("bootstrap.servers", required(options, "bootstrap-servers"));
        options.forEach((k, v) -> {
            if (k.startsWith("kafka.")) {
                client.put(k.substring("kafka.".length()), v);
            }
        });
        var registry = SchemaRegistryClients.forSettings(RegistrySettings.of(required(options, "registry-url")));
        if (args[0].equals("reconcile")) {
            var reconciliation = new Reconciliation(client, registry);
            var report = options.containsKey("settle")
                    ? reconciliation.settle(Duration.parse(options.get("settle"))) : reconciliation.run();
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of(
                    "verdict", report.verdict(), "figures", report.figures(), "lag", report.lag(),
                    "violations", report.violations(), "pending", report.pending())));
            return switch (report.verdict()) {
                case CONSISTENT -> 0;
                case VIOLATED -> 1;
                case SETTLING -> 2;
            };
        }
        return Redrive.command(client, options, out, err);
    }

    static String required(Map<String, String> options, String name) {
        var value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private OpsTools() {
    }
}
