package market.resale.opstools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics from their beginning up to the end offsets they had when the snapshot was taken, as a
 * read-committed consumer without a group (nothing is committed, no service's group is touched).
 * Taking every end offset first and reading afterwards gives one consistent cut: anything a service
 * wrote as the result of a record that is in the cut is itself in the cut, because the service
 * committed it before that moment.
 */
final class TopicSnapshot implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> ends;

    TopicSnapshot(Map<String, Object> clientConfig, List<String> topics) {
        var props = new Properties();
        props.putAll(clientConfig);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ops-tools-snapshot-" + UUID.randomUUID());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        var partitions = new ArrayList<TopicPartition>();
        for (var topic : topics) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos != null) {
                infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
        }
        this.ends = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    }

    /** Every record of {@code topic} in the cut, in partition order. */
    void read(String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        var mine = ends.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() > 0)
                .map(Map.Entry::getKey).toList();
        if (mine.isEmpty()) {
            return;
        }
        consumer.assign(mine);
        consumer.seekToBeginning(mine);
        var remaining = new HashMap<TopicPartition, Long>();
        mine.forEach(p -> remaining.put(p, ends.get(p)));
        var lastProgress = System.nanoTime();
        while (!remaining.isEmpty()) {
            var records = consumer.poll(POLL);
            for (var record : records) {
                var partition = new TopicPartition(record.topic(), record.partition());
                if (remaining.containsKey(partition) && record.offset() < remaining.get(partition)) {
                    each.accept(record);
                }
            }
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            // Control records (transaction markers) and aborted records carry offsets too: done by position.
            remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("No progress reading " + topic + " for " + STALL.toSeconds() + " s; left: " + remaining);
            }
        }
        consumer.unsubscribe();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
