package market.resale.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import market.resale.platform.kafka.GroupCommitWatch;
import market.resale.platform.kafka.SourceOffset;
import market.resale.testsupport.KafkaSeam;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What the answers of every service rely on (docs/reliability.md): the broker shows a group's offset only once the
 * exactly-once transaction that carried it has committed, and {@link GroupCommitWatch} follows it. An offset in an
 * open transaction, or in an aborted one, is not committed; Kafka Streams commits a decision's state, its events and
 * the offset of the record it came from in one such transaction.
 */
class CommitWatchTest {

    @Test
    void anOffsetCountsAsCommittedOnlyOnceItsTransactionCommits() throws Exception {
        var kafka = KafkaSeam.shared();
        var topic = "commit-watch-" + UUID.randomUUID();
        var group = "commit-watch-group-" + UUID.randomUUID();
        kafka.createTopics(List.of(topic), 1);
        var partition = new TopicPartition(topic, 0);
        try (var producer = transactionalProducer(kafka.bootstrapServers());
             var watch = new GroupCommitWatch(Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers())), group,
                     Duration.ofMillis(20), new SimpleMeterRegistry())) {
            producer.initTransactions();

            // Given the group has processed records 0..4 in a transaction that is still open
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(5)), new ConsumerGroupMetadata(group));
            var waiting = watch.committed(new SourceOffset(topic, 0, 4), Duration.ofSeconds(30)).toFuture();

            // Then nothing of it counts as committed
            assertThat(watch.committed(new SourceOffset(topic, 0, 0), Duration.ofMillis(300)).block()).isFalse();
            assertThat(waiting).isNotDone();

            // When it aborts, still nothing does
            producer.abortTransaction();
            assertThat(watch.committed(new SourceOffset(topic, 0, 0), Duration.ofMillis(300)).block()).isFalse();

            // When the same work commits in a new transaction, the record and those before it count, the next one not
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(5)), new ConsumerGroupMetadata(group));
            producer.commitTransaction();
            assertThat(waiting.get()).as("the waiter of record 4, woken by the commit").isTrue();
            assertThat(watch.committed(new SourceOffset(topic, 0, 0), Duration.ofMillis(300)).block()).isTrue();
            assertThat(watch.committed(new SourceOffset(topic, 0, 5), Duration.ofMillis(300)).block()).isFalse();
            assertThat(watch.committed(null, Duration.ZERO).block()).as("a decision stored before sources were recorded").isTrue();
        }
    }

    @Test
    void whatThisInstancesOwnTasksCommittedIsSeenWithoutAskingTheBroker() {
        var kafka = KafkaSeam.shared();
        var topic = "commit-watch-local-" + UUID.randomUUID();
        var partition = new TopicPartition(topic, 0);
        var local = new java.util.concurrent.ConcurrentHashMap<TopicPartition, Long>();
        // A group with nothing committed at the broker: only the local tasks' view can confirm, within the broker's interval.
        try (var watch = new GroupCommitWatch(Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers())), () -> local,
                "commit-watch-local-" + UUID.randomUUID(), Duration.ofMinutes(5), new SimpleMeterRegistry())) {
            var waiting = watch.committed(new SourceOffset(topic, 0, 9), Duration.ofSeconds(30)).toFuture();
            local.put(partition, 9L);
            assertThat(watch.committed(new SourceOffset(topic, 0, 8), Duration.ofSeconds(30)).block()).isTrue();
            assertThat(waiting).isNotDone();

            local.put(partition, 10L);

            assertThat(waiting.join()).isTrue();
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "commit-watch-" + UUID.randomUUID()), new StringSerializer(), new StringSerializer());
    }
}
