package market.resale.messaging.stream;

import static market.resale.messaging.MessagingMother.BUYER;
import static market.resale.messaging.MessagingMother.SELLER;
import static market.resale.messaging.MessagingMother.WINDOW_CLOSED_AT;
import static org.assertj.core.api.Assertions.assertThat;


import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import market.resale.schemas.messaging.Notification;
import market.resale.schemas.messaging.NotificationKind;
import market.resale.schemas.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each replica follows every partition from its end and hands each notification to its user's open streams. */
class NotificationFeedTest {

    private static final String TOPIC = Topics.NOTIFICATIONS.name();

    private MockConsumer<String, Notification> consumer;
    private NotificationFeed feed;

    @BeforeEach
    void start() throws InterruptedException {
        consumer = new MockConsumer<>("latest");
        consumer.updatePartitions(TOPIC, IntStream.range(0, Topics.PARTITIONS)
                .mapToObj(p -> new PartitionInfo(TOPIC, p, null, null, null)).toList());
        // What was published before the replica started is not replayed to live streams.
        consumer.updateEndOffsets(IntStream.range(0, Topics.PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p))
                .collect(Collectors.toMap(Function.identity(), tp -> 7L)));
        feed = new NotificationFeed(() -> consumer, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        feed.start();
        assertThat(feed.awaitLive(Duration.ofSeconds(10))).isTrue();
    }

    @AfterEach
    void stop() {
        feed.stop();
    }

    private static Notification notice(String id, String userId) {
        return Notification.newBuilder().setNotificationId(id).setUserId(userId).setKind(NotificationKind.NEW_MESSAGE)
                .setOrderId("o-1").setTitle("New message").setBody("hi").setCreatedAt(WINDOW_CLOSED_AT).build();
    }

    private void published(int partition, long offset, Notification notification) {
        consumer.schedulePollTask(() -> consumer.addRecord(
                new ConsumerRecord<>(TOPIC, partition, offset, notification.getUserId(), notification)));
    }

    @Test
    void startsAtTheEndOfEveryPartitionWithoutAGroup() {
        assertThat(consumer.assignment()).hasSize(Topics.PARTITIONS);
        assertThat(consumer.assignment().stream().collect(Collectors.toMap(Function.identity(), consumer::position)))
                .containsOnlyKeys(consumer.assignment()).allSatisfy((tp, position) -> assertThat(position).isEqualTo(7L));
        assertThat(consumer.subscription()).isEmpty();
    }

    @Test
    void aUsersStreamGetsTheirOwnNewNotificationsFromAnyPartition() throws Exception {
        var stream = feed.live(BUYER).take(2).collectList().toFuture();

        published(0, 7, notice("n-1", BUYER));
        published(3, 7, notice("n-2", SELLER));
        published(5, 7, notice("n-3", BUYER));

        assertThat(stream.get(10, TimeUnit.SECONDS)).containsExactly(notice("n-1", BUYER), notice("n-3", BUYER));
        assertThat(feed.connected(BUYER)).isZero();
    }

    @Test
    void everyStreamOfTheUserGetsIt() throws Exception {
        var phone = feed.live(BUYER).next().toFuture();
        var laptop = feed.live(BUYER).next().toFuture();

        published(1, 7, notice("n-1", BUYER));

        assertThat(phone.get(10, TimeUnit.SECONDS)).isEqualTo(notice("n-1", BUYER));
        assertThat(laptop.get(10, TimeUnit.SECONDS)).isEqualTo(notice("n-1", BUYER));
    }

    @Test
    void openStreamsEndWhenTheReplicaStops() throws Exception {
        var stream = feed.live(SELLER).collectList().toFuture();

        feed.stop();

        assertThat(stream.get(10, TimeUnit.SECONDS)).isEmpty();
    }
}
