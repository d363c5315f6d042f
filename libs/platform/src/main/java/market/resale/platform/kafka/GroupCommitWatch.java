package market.resale.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * {@link CommitWatch} from two sources, both of which show an offset only once the transaction that carried it
 * has committed:
 * <ul>
 *   <li>this instance's own stream tasks ({@code local}: the offsets Kafka Streams records for a task right after
 *   its {@code commitTransaction} returned), looked at every {@value #LOCAL_MILLIS} ms while somebody waits, which
 *   costs nothing and answers within milliseconds of the commit;</li>
 *   <li>the broker's record of the group ({@code Admin#listConsumerGroupOffsets}), asked for a waiter whose record
 *   this instance has not seen committed after {@code interval} (its task is elsewhere, or Streams' view of a task
 *   recreated after a failure is not refreshed yet), once per {@code interval} at most, for all such waiters at
 *   once.</li>
 * </ul>
 * One thread does both, only while somebody waits; the highest offset seen per partition is kept, so a record
 * committed long ago is confirmed without looking again.
 *
 * <p>The local view reads {@code KafkaStreams#metadataForLocalThreads}: in Kafka Streams 4.1 a task's
 * {@code committedOffsets()} there is a live view of the offsets the task updates after each commit. Should a later
 * version hand out a copy instead, nothing wrong is answered: the local view only lags, and answers come from the broker
 * after {@code interval}, which the benchmark's answer latency would show.
 */
public final class GroupCommitWatch implements CommitWatch, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWatch.class);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    private static final long LOCAL_MILLIS = 5;

    private final Admin admin;
    private final Supplier<Map<TopicPartition, Long>> local;
    private final String groupId;
    private final Duration interval;
    private final Timer asks;
    private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Thread poller;
    private volatile boolean closed;

    private record Waiter(TopicPartition partition, long offset, long sinceNanos, long deadlineNanos, MonoSink<Boolean> sink) {
    }

    private long lastAskNanos;

    /** Only the broker's record, for a client that runs no stream tasks of the group here. */
    public GroupCommitWatch(Admin admin, String groupId, Duration interval, MeterRegistry meters) {
        this(admin, Map::of, groupId, interval, meters);
    }

    /**
     * {@code local}: the committed offsets of this instance's active stream tasks ({@link StreamsRunner#committedOffsets});
     * {@code groupId}: the Kafka Streams application id. The admin client is closed with this watch.
     */
    public GroupCommitWatch(Admin admin, Supplier<Map<TopicPartition, Long>> local, String groupId, Duration interval,
                            MeterRegistry meters) {
        this.admin = admin;
        this.local = local;
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
                var now = System.nanoTime();
                waiters.add(new Waiter(partition, source.offset(), now, now + wait.toNanos(), sink));
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
            look();
            if (brokerNeeded()) {
                ask();
            }
            settle();
            try {
                Thread.sleep(LOCAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
        synchronized (waiters) {
            waiters.forEach(w -> w.sink().success(false));
            waiters.clear();
        }
    }

    /** This instance's own tasks' commits. */
    private void look() {
        try {
            local.get().forEach(this::seen);
        } catch (RuntimeException e) {
            log.debug("Could not read the local tasks' committed offsets: {}", e.toString());
        }
    }

    private void seen(TopicPartition partition, long next) {
        committed.merge(partition, next, Math::max);
    }

    /**
     * Whether to ask the broker now: a waiter not confirmed locally within {@code interval} (or whose deadline is at hand),
     * and {@code interval} since the last ask.
     */
    private boolean brokerNeeded() {
        var now = System.nanoTime();
        if (now - lastAskNanos < interval.toNanos()) {
            return false;
        }
        synchronized (waiters) {
            for (var w : waiters) {
                if (!isCommitted(w.partition(), w.offset())
                        && (now - w.sinceNanos() >= interval.toNanos() || w.deadlineNanos() - now < interval.toNanos())) {
                    return true;
                }
            }
        }
        return false;
    }

    private void ask() {
        var started = System.nanoTime();
        lastAskNanos = started;
        try {
            var offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                    .get(ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            offsets.forEach((partition, offset) -> {
                if (offset != null) {
                    seen(partition, offset.offset());
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
