package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * {@link CommitWatch} from the broker's own record of the group's committed offsets
 * ({@code Admin#listConsumerGroupOffsets}): an offset is there only once the transaction that committed
 * it is committed, and it survives the instance. One thread asks the broker, only while somebody waits,
 * once per {@code interval} at most, for every waiter at once; between asks the last answer is kept, so
 * a record committed long ago is confirmed without asking.
 *
 * <p>Not Kafka Streams' own {@code TaskMetadata#committedOffsets}: Streams refreshes that snapshot only
 * when a thread turns RUNNING, so it does not follow the commits in between.
 */
public final class GroupCommitWatch implements CommitWatch, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWatch.class);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final String groupId;
    private final Duration interval;
    private final Timer asks;
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Thread poller;
    private volatile boolean closed;

    private record Waiter(TopicPartition partition, long offset, long deadlineNanos, MonoSink<Boolean> sink) {
    }

    /** {@code groupId}: the Kafka Streams application id. The admin client is closed with this watch. */
    public GroupCommitWatch(Admin admin, String groupId, Duration interval, MeterRegistry meters) {
        this.admin = admin;
        this.groupId = groupId;
        this.interval = interval;
        this.asks = Timer.builder("commit_watch_ask_seconds")
                .description("Asking the broker for the group's committed offsets, while answers wait for their commit")
                .register(meters);
        this.poller = Thread.ofPlatform().name("commit-watch").daemon(true).start(this::run);
    }

    @Override
    public Mono<Boolean> committed(SourceOffset source, Duration wait) {
        if (source == null) {
            return Mono.just(true);
        }
        var partition = new TopicPartition(source.topic(), source.partition());
        if (isCommitted(partition, source.offset())) {
            return Mono.just(true);
        }
        // Asked at least once, however short the wait: a follow-up query after a 202 waits for one fresh answer.
        return Mono.create(sink -> {
            synchronized (waiters) {
                waiters.add(new Waiter(partition, source.offset(), System.nanoTime() + wait.toNanos(), sink));
                waiters.notifyAll();
            }
        });
    }

    private boolean isCommitted(TopicPartition partition, long offset) {
        var next = committed.get(partition);
        return next != null && next > offset; // a committed offset is the next record to read
    }

    private void run() {
        while (!closed) {
            synchronized (waiters) {
                while (waiters.isEmpty() && !closed) {
                    try {
                        waiters.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            ask();
            settle();
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
        synchronized (waiters) {
            waiters.forEach(w -> w.sink().success(false));
            waiters.clear();
        }
    }

    private void ask() {
        var started = System.nanoTime();
        try {
            var offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            offsets.forEach((partition, offset) -> {
                if (offset != null) {
                    committed.put(partition, offset.offset());
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The broker is away: the waiters' deadlines pass and they answer "pending", which is always true.
            log.debug("Could not read the committed offsets of {}: {}", groupId, e.toString());
        } finally {
            asks.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private void settle() {
        var now = System.nanoTime();
        var done = new ArrayList<Map.Entry<Waiter, Boolean>>();
        synchronized (waiters) {
            for (var it = waiters.iterator(); it.hasNext(); ) {
                var w = it.next();
                if (isCommitted(w.partition(), w.offset())) {
                    done.add(Map.entry(w, true));
                    it.remove();
                } else if (now - w.deadlineNanos() >= 0) {
                    done.add(Map.entry(w, false));
                    it.remove();
                }
            }
        }
        done.forEach(d -> d.getKey().sink().success(d.getValue()));
    }

    @Override
    public void close() {
        closed = true;
        synchronized (waiters) {
            waiters.notifyAll();
        }
        poller.interrupt();
        try {
            poller.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (waiters) {
            waiters.forEach(w -> w.sink().success(false));
            waiters.clear();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
