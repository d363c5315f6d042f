package market.resale.platform.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every topic of the catalogue that does not exist yet (local stack and tests). On
 * Kubernetes the topics are declared as Strimzi {@code KafkaTopic}s instead and this stays off.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    public static void ensureTopics(KafkaSettings settings) {
        try (var admin = Admin.create(settings.adminConfig())) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            var missing = new ArrayList<NewTopic>();
            for (var spec : Topics.specs()) {
                if (!existing.contains(spec.name())) {
                    missing.add(newTopic(spec, settings));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                    log.info("Created topic {}", result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitServing(admin, missing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create the topics on " + settings.bootstrapServers(), e);
        }
    }

    /**
     * Returns once the broker serves every partition of the new topics. Its metadata names a leader a moment
     * before the partition takes appends; an idempotent producer whose first batch to a partition fell in
     * that moment while its next batches landed had the first refused as out of order until it expired (seen
     * on a single-node KRaft broker). Listing the partitions' end offsets goes to the partitions themselves,
     * and the admin client asks again until each answers.
     */
    private static void awaitServing(Admin admin, List<NewTopic> created)
            throws InterruptedException, ExecutionException, TimeoutException {
        var partitions = new HashMap<TopicPartition, OffsetSpec>();
        for (var topic : created) {
            for (int p = 0; p < topic.numPartitions(); p++) {
                partitions.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
        }
        admin.listOffsets(partitions).all().get(60, TimeUnit.SECONDS);
    }

    private static NewTopic newTopic(Topics.Spec spec, KafkaSettings settings) {
        var configs = new HashMap<>(spec.configs());
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                spec.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        // The single-partition topics (dead letters, audit) keep their one partition: their order is the point.
        var partitions = settings.topicPartitions() > 0 && spec.partitions() > 1 ? settings.topicPartitions() : spec.partitions();
        return new NewTopic(spec.name(), partitions, (short) settings.replicationFactor()).configs(Map.copyOf(configs));
    }
}
