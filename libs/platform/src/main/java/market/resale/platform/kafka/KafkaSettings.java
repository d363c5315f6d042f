package market.resale.platform.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import market.resale.schemas.registry.RegistrySettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a service reaches Kafka and the schema registry, and how its Kafka Streams client runs.
 *
 * @param bootstrapServers   the brokers
 * @param registryUrl        a Confluent-compatible registry API (Apicurio: {@code .../apis/ccompat/v7})
 * @param stateDir           where the persistent state stores live; keep it on a volume so a restart does not rebuild
 * @param advertisedHost     host other instances use to forward queries to this one (the pod IP on Kubernetes)
 * @param replicationFactor  of the internal changelog and repartition topics
 * @param commitInterval     exactly-once commit interval: the upper bound of the latency a transaction adds
 * @param streamThreads      stream threads per instance
 * @param createTopics       create the catalogue's missing topics at start (local stack and tests; off where
 *                           topics are declared as Strimzi KafkaTopics)
 * @param topicPartitions    partitions of the multi-partition topics {@code createTopics} creates (0: the catalogue's, 6;
 *                           single-partition ones keep 1). The benchmark's knob: every service of a deployment must
 *                           agree, and k8s declares its topics itself
 * @param commitWatch        how long an answer waits for this instance's own tasks to show its decision committed before
 *                           the broker is asked for the group's committed offsets, and how often it is asked at most
 *                           ({@link GroupCommitWatch})
 * @param autoRegisterSchemas whether writers register their schemas on first use (the local stack and tests); false
 *                           where registration is a deploy step ({@code ops-tools register-schemas}, docker-compose and
 *                           k8s): the service then checks at start that every schema it writes is registered, and
 *                           refuses to start otherwise ({@link SchemaCheck})
 * @param client             extra Kafka client settings passed through unchanged (security, tuning)
 */
@ConfigurationProperties("app.kafka")
public record KafkaSettings(
        @DefaultValue("127.0.0.1:9092") String bootstrapServers,
        @DefaultValue("http://127.0.0.1:8085/apis/ccompat/v7") String registryUrl,
        @DefaultValue("${java.io.tmpdir}/kafka-streams") String stateDir,
        @DefaultValue("127.0.0.1") String advertisedHost,
        @DefaultValue("1") int replicationFactor,
        @DefaultValue("100ms") Duration commitInterval,
        @DefaultValue("1") int streamThreads,
        @DefaultValue("false") boolean createTopics,
        @DefaultValue("0") int topicPartitions,
        @DefaultValue("250ms") Duration commitWatch,
        @DefaultValue("true") boolean autoRegisterSchemas,
        Map<String, String> client) {

    public KafkaSettings {
        client = client == null ? Map.of() : Map.copyOf(client);
    }

    /** An admin client's configuration: the brokers and the pass-through client settings (security). */
    public Map<String, Object> adminConfig() {
        var config = new HashMap<String, Object>(client);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    public RegistrySettings registry() {
        var config = new HashMap<String, Object>(client);
        config.put(RegistrySettings.URL, registryUrl);
        config.put(RegistrySettings.AUTO_REGISTER, autoRegisterSchemas);
        return RegistrySettings.from(config);
    }
}
