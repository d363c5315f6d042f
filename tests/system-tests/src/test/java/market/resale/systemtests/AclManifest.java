package market.resale.systemtests;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.yaml.snakeyaml.Yaml;

/**
 * The Strimzi {@code KafkaUser}s of a manifest (deploy/k8s/base/kafka/users.yaml) turned into the ACL bindings the
 * User Operator creates for them with {@code authorization: simple}: principal {@code User:<metadata.name>},
 * each {@code acls[]} entry × each of its {@code operations}, {@code patternType} literal unless said,
 * {@code host} {@code *} unless said, {@code type} allow unless said; the cluster resource is
 * {@code kafka-cluster}.
 */
record AclManifest(Map<String, List<AclBinding>> byUser) {

    static AclManifest read(Path yaml) {
        var byUser = new LinkedHashMap<String, List<AclBinding>>();
        try (Reader reader = Files.newBufferedReader(yaml)) {
            for (Object document : new Yaml().loadAll(reader)) {
                if (!(document instanceof Map<?, ?> raw) || !"KafkaUser".equals(raw.get("kind"))) {
                    continue;
                }
                var resource = map(raw);
                var name = (String) map(resource.get("metadata")).get("name");
                var authorization = map(map(resource.get("spec")).get("authorization"));
                if (!"simple".equals(authorization.get("type"))) {
                    throw new IllegalStateException("KafkaUser " + name + " has authorization " + authorization.get("type") + ", not simple");
                }
                var bindings = new ArrayList<AclBinding>();
                for (Object entry : (List<?>) authorization.get("acls")) {
                    var acl = map(entry);
                    var pattern = pattern(map(acl.get("resource")));
                    var host = String.valueOf(acl.getOrDefault("host", "*"));
                    var permission = "deny".equalsIgnoreCase(String.valueOf(acl.getOrDefault("type", "allow")))
                            ? AclPermissionType.DENY : AclPermissionType.ALLOW;
                    for (Object operation : (List<?>) acl.get("operations")) {
                        bindings.add(new AclBinding(pattern,
                                new AccessControlEntry("User:" + name, host, operation((String) operation), permission)));
                    }
                }
                byUser.put(name, List.copyOf(bindings));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + yaml, e);
        }
        return new AclManifest(byUser);
    }

    List<AclBinding> of(String user) {
        var bindings = byUser.get(user);
        if (bindings == null) {
            throw new IllegalArgumentException("No KafkaUser " + user + " in the manifest; there are " + byUser.keySet());
        }
        return bindings;
    }

    List<AclBinding> all() {
        return byUser.values().stream().flatMap(List::stream).toList();
    }

    /** Whether the manifest allows {@code user} the operation on the topic (ALL counts; no DENY entries are honoured). */
    boolean allowsTopic(String user, String topic, AclOperation operation) {
        return of(user).stream().anyMatch(b -> b.pattern().resourceType() == ResourceType.TOPIC
                && b.entry().permissionType() == AclPermissionType.ALLOW
                && (b.entry().operation() == operation || b.entry().operation() == AclOperation.ALL)
                && (b.pattern().patternType() == PatternType.LITERAL ? b.pattern().name().equals(topic) : topic.startsWith(b.pattern().name())));
    }

    private static ResourcePattern pattern(Map<String, Object> resource) {
        var type = switch (String.valueOf(resource.get("type"))) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            case "cluster" -> ResourceType.CLUSTER;
            default -> throw new IllegalArgumentException("Unknown ACL resource type " + resource.get("type"));
        };
        if (type == ResourceType.CLUSTER) {
            return new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
        }
        var patternType = "prefix".equals(resource.getOrDefault("patternType", "literal")) ? PatternType.PREFIXED : PatternType.LITERAL;
        return new ResourcePattern(type, (String) resource.get("name"), patternType);
    }

    /** Strimzi's camel-case names (Read, DescribeConfigs, IdempotentWrite) to Kafka's operations. */
    private static AclOperation operation(String name) {
        return AclOperation.valueOf(name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalStateException("Expected a mapping, found " + value);
    }
}
