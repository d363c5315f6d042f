package market.resale.opstests;

import market.resale.testsupport.ProjectLayout;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import market.resale.schemas.topics.DeadLetterHeaders;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code docs/asyncapi.yaml} is a valid AsyncAPI 3.0 document whose Avro payloads parse (the AsyncAPI parser with its
 * Avro schema parser), and it tells the truth: its channels are the topic catalogue, dead-letter topics included;
 * each carries its topic's reader schema, partitions and settings; its operations are what each service reads and
 * writes ({@link TopicCatalogueTest#ACCESS}, itself checked against the code); the contract topics are the ones
 * marked as the upstream interface. Operation ids are {@code <application>_<send|receive>_<channel>}.
 */
class AsyncApiTest {

    static final Path ROOT = FreshMachineTest.ROOT;
    static final Path DOCUMENT = ROOT.resolve("docs/asyncapi.yaml");
    static final Set<Topic<?>> CONTRACT = Set.copyOf(Topics.contract());

    @TempDir
    Path work;

    @Test
    void theDocumentIsValidAsyncApi3AndItsAvroPayloadsParse() throws Exception {
        var result = NodeChecks.run("validate-asyncapi.mjs", DOCUMENT.toString(), ROOT.resolve(ProjectLayout.SCHEMAS).resolve("src/main/avro").toString());

        assertThat(result.exit()).as(result.output()).isZero();
        var parsed = JsonMapper.shared().readTree(result.output().lines().filter(l -> l.startsWith("PARSED "))
                .findFirst().orElseThrow().substring("PARSED ".length()));
        assertThat(parsed.path("version").asString()).isEqualTo("3.0.0");
        // The parser read every payload: a contract record's fields came out of its .avsc.
        var orderPlaced = channel(parsed, Topics.ORDER_PLACED.name()).path("messages").get(0);
        assertThat(orderPlaced.path("payloadType").asString()).isEqualTo("object");
        assertThat(strings(orderPlaced.path("properties"))).contains("orderId", "placedAt", "condition");
    }

    @Test
    void aBrokenDocumentFailsTheValidation() throws Exception {
        var broken = work.resolve("docs/asyncapi.yaml");
        Files.createDirectories(broken.getParent());
        // An operation with an action AsyncAPI 3 does not have, and a payload naming a type no .avsc defines.
        Files.writeString(broken, Files.readString(DOCUMENT).replaceFirst("action: send", "action: publish")
                .replace("../libs/schemas/src/main/avro/topics/", ROOT.resolve(ProjectLayout.SCHEMAS).resolve("src/main/avro/topics").toString() + "/"));
        var result = NodeChecks.run("validate-asyncapi.mjs", broken.toString(), ROOT.resolve(ProjectLayout.SCHEMAS).resolve("src/main/avro").toString());

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("\"action\" property must be equal to one of the allowed values");
    }

    @Test
    void theChannelsAreTheTopicCatalogueNothingMissingNothingExtra() throws Exception {
        var addresses = channels().values().stream().map(c -> c.path("address").asString()).collect(Collectors.toSet());

        assertThat(addresses).containsExactlyInAnyOrderElementsOf(Topics.allNames());
    }

    @Test
    void eachChannelCarriesItsTopicsReaderSchemaKeyAndSettings() throws Exception {
        var document = document();
        var specs = Topics.specs().stream().collect(Collectors.toMap(Topics.Spec::name, s -> s));
        for (var topic : Topics.ALL) {
            var channel = byAddress(topic.name());
            var message = message(document, channel);
            var avsc = DOCUMENT.getParent().resolve(message.path("payload").path("schema").path("$ref").asString()).normalize();
            assertThat(avsc).as("%s payload", topic.name()).isRegularFile();
            var schema = JsonMapper.shared().readTree(avsc.toFile());
            assertThat(schema.path("namespace").asString() + "." + schema.path("name").asString())
                    .as("%s payload is its value type", topic.name()).isEqualTo(topic.valueType().getName());
            assertThat(message.path("payload").path("schemaFormat").asString()).startsWith("application/vnd.apache.avro");
            var kafka = message.path("bindings").path("kafka");
            assertThat(kafka.path("key").path("type").asString()).as("%s key", topic.name()).isEqualTo("string");
            assertThat(kafka.path("schemaIdPayloadEncoding").asString()).isEqualTo("confluent");
            assertSettings(channel, specs.get(topic.name()));
        }
    }

    @Test
    void operationsAreWhatEachServiceReadsAndWrites() throws Exception {
        var declared = new TreeMap<String, Set<String>>(); // "<app> <action>" -> addresses
        var channels = channels();
        document().path("operations").properties().forEach(e -> {
            var application = e.getKey().substring(0, e.getKey().indexOf('_'));
            var action = e.getValue().path("action").asString();
            assertThat(e.getKey()).as("operation id").startsWith(application + "_" + action + "_");
            var ref = e.getValue().path("channel").path("$ref").asString();
            var address = channels.get(ref.substring("#/channels/".length())).path("address").asString();
            declared.computeIfAbsent(application + " " + action, k -> new TreeSet<>()).add(address);
        });
        TopicCatalogueTest.ACCESS.forEach((application, access) -> {
            assertThat(declared.get(application + " receive")).as("%s consumes", application).isEqualTo(access.readNames());
            assertThat(declared.get(application + " send")).as("%s publishes", application)
                    .isEqualTo(access.writeNames(application));
        });
        // Every topic has a publisher, and every catalogue topic a consumer unless it is an output for others.
        var published = declared.entrySet().stream().filter(e -> e.getKey().endsWith(" send"))
                .flatMap(e -> e.getValue().stream()).collect(Collectors.toSet());
        assertThat(published).containsAll(Topics.allNames());
    }

    @Test
    void theContractTopicsAreMarkedAsTheUpstreamInterfaceAndPublishedByUpstreamApps() throws Exception {
        var document = document();
        var contract = channels().values().stream().filter(c -> strings(c.path("tags"), "name").contains("upstream-contract"))
                .map(c -> c.path("address").asString()).collect(Collectors.toSet());
        assertThat(contract).isEqualTo(CONTRACT.stream().map(Topic::name).collect(Collectors.toSet()));
        var services = TopicCatalogueTest.ACCESS.keySet();
        for (var topic : CONTRACT) {
            var upstream = document.path("operations").properties().stream()
                    .filter(e -> e.getValue().path("action").asString().equals("send"))
                    .filter(e -> e.getValue().path("channel").path("$ref").asString().equals("#/channels/" + id(topic.name())))
                    .map(e -> e.getKey().substring(0, e.getKey().indexOf('_')))
                    .filter(application -> !services.contains(application)).toList();
            assertThat(upstream).as("upstream publishers of %s", topic.name()).isNotEmpty();
        }
    }

    @Test
    void deadLetterTopicsCarryTheSourceRecordAndEveryDltHeader() throws Exception {
        var document = document();
        var headers = Arrays.stream(DeadLetterHeaders.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().equals("PREFIX"))
                .map(f -> { try { return (String) f.get(null); } catch (IllegalAccessException e) { throw new IllegalStateException(e); } })
                .filter(value -> value.startsWith(DeadLetterHeaders.PREFIX))
                .collect(Collectors.toSet());
        var specs = Topics.specs().stream().collect(Collectors.toMap(Topics.Spec::name, s -> s));
        for (var application : Topics.APPLICATIONS) {
            var channel = byAddress(Topic.deadLetterTopic(application));
            assertThat(strings(channel.path("tags"), "name")).contains("dead-letter");
            var message = message(document, channel);
            assertThat(message.path("headers").path("properties").propertyNames()).containsExactlyInAnyOrderElementsOf(headers);
            assertThat(strings(message.path("headers").path("properties").path(DeadLetterHeaders.REASON).path("enum")))
                    .as("%s reasons", channel.path("address").asString()).containsExactlyElementsOf(DeadLetterHeaders.REASONS);
            assertThat(message.path("payload").path("format").asString()).isEqualTo("binary");
            assertSettings(channel, specs.get(Topic.deadLetterTopic(application)));
        }
    }

    private static void assertSettings(JsonNode channel, Topics.Spec spec) {
        var kafka = channel.path("bindings").path("kafka");
        assertThat(kafka.path("partitions").asInt()).as("%s partitions", spec.name()).isEqualTo(spec.partitions());
        var configs = new HashMap<String, String>();
        kafka.path("topicConfiguration").properties().forEach(e -> {
            if (!e.getKey().equals("cleanup.policy")) {
                configs.put(e.getKey(), e.getValue().asString());
            }
        });
        assertThat(configs).as("%s configs", spec.name()).isEqualTo(spec.configs());
        assertThat(strings(kafka.path("topicConfiguration").path("cleanup.policy")))
                .as("%s cleanup.policy", spec.name()).containsExactly(spec.compacted() ? "compact" : "delete");
    }

    static JsonNode document() throws Exception {
        return YAMLMapper.builder().build().readTree(DOCUMENT.toFile());
    }

    private static Map<String, JsonNode> channels() throws Exception {
        var channels = new TreeMap<String, JsonNode>();
        document().path("channels").properties().forEach(e -> channels.put(e.getKey(), e.getValue()));
        return channels;
    }

    private static JsonNode byAddress(String address) throws Exception {
        return channels().values().stream().filter(c -> c.path("address").asString().equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no channel for " + address));
    }

    private static JsonNode message(JsonNode document, JsonNode channel) {
        var messages = channel.path("messages").properties().stream().toList();
        assertThat(messages).hasSize(1);
        var ref = messages.get(0).getValue().path("$ref").asString();
        return document.at(ref.substring(1));
    }

    private static JsonNode channel(JsonNode parsed, String address) {
        for (var channel : parsed.path("channels")) {
            if (channel.path("address").asString().equals(address)) {
                return channel;
            }
        }
        throw new AssertionError("no parsed channel " + address);
    }

    static String id(String topic) {
        return topic.replace('.', '_');
    }

    private static List<String> strings(JsonNode array) {
        var values = new java.util.ArrayList<String>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static List<String> strings(JsonNode array, String field) {
        var values = new java.util.ArrayList<String>();
        array.forEach(v -> values.add(v.path(field).asString()));
        return values;
    }
}
