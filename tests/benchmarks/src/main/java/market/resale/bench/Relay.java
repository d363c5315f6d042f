package market.resale.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The yardstick: what plain kafka-clients do on the same broker over the same number of hops as the
 * system's path from a cancellation to its credit (a command produced; orders-service decides,
 * credits-service repartitions by buyer, then credits: three hops; a read-committed reader sees the result). An open-loop source sends records of a fixed size
 * at a fixed rate; each relay stage consumes a topic and produces every record to the next, either
 * at-least-once (flush, then commit offsets, every commit interval) or transactionally (offsets sent to
 * the transaction, committed every commit interval, read-committed downstream), as Kafka Streams with
 * {@code exactly_once_v2} does. The sink measures latency from each record's <em>scheduled</em> send
 * time, so a source that falls behind shows as latency, not as a lower rate (no coordinated omission).
 */
public final class Relay {

    public enum Mode { AT_LEAST_ONCE, TRANSACTIONAL }

    /** One rate step: records sent and received, backlog at its start and end, latency from scheduled send to sink. */
    public record Step(int rate, long sent, long arrivedInWindow, long received, long distinct, Duration length,
                       long backlogAtStart, long backlogAtEnd, Histogram latency) {

        /** Sustained when the backlog did not grow by more than a quarter second's worth of records. */
        public boolean sustained() {
            return backlogAtEnd - backlogAtStart <= Math.max(10, rate / 4);
        }

        /** Records the sink got (of any step) while this step ran, per second: the relay's throughput at this rate. */
        public double receivedPerSecond() {
            return arrivedInWindow / (length.toNanos() / 1e9);
        }

        public double millis(double percentile) {
            return latency.getValueAtPercentile(percentile) / 1e6;
        }
    }

    private static final int HEADER_BYTES = 20; // step (4), sequence (8), scheduled nanos (8)

    private final String bootstrap;
    private final Mode mode;
    private final int hops;
    private final int recordBytes;
    private final Duration commitInterval;
    private final int partitions;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public Relay(String bootstrap, Mode mode, int hops, int recordBytes, Duration commitInterval, int partitions) {
        if (recordBytes < HEADER_BYTES) {
            throw new IllegalArgumentException("records of at least " + HEADER_BYTES + " bytes");
        }
        this.bootstrap = bootstrap;
        this.mode = mode;
        this.hops = hops;
        this.recordBytes = recordBytes;
        this.commitInterval = commitInterval;
        this.partitions = partitions;
    }

    private String topic(int i) {
        return "bench-" + run + "-" + i;
    }

    /** Runs the steps in order on fresh topics; the stages and the sink run throughout. */
    public List<Step> run(int[] rates, Duration stepLength) throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            var topics = new ArrayList<NewTopic>();
            for (int i = 0; i <= hops; i++) {
                topics.add(new NewTopic(topic(i), partitions, (short) 1));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            awaitServing(admin, topics);
        }
        var stop = new AtomicBoolean();
        var failures = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var received = new AtomicLong();
        var histograms = new ConcurrentHashMap<Integer, Histogram>();
        var receivedByStep = new ConcurrentHashMap<Integer, AtomicLong>();
        var seen = ConcurrentHashMap.<Long>newKeySet();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < hops; i++) {
            int from = i;
            threads.add(Thread.ofPlatform().name("relay-" + i).start(() -> reporting(failures, "stage " + from,
                    () -> stage(from, stop))));
        }
        threads.add(Thread.ofPlatform().name("relay-sink").start(() -> reporting(failures, "sink",
                () -> sink(stop, received, histograms, receivedByStep, seen))));

        var steps = new ArrayList<Step>();
        var sent = new AtomicLong();
        try (var producer = new KafkaProducer<>(producerProps(null), new StringSerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < rates.length; s++) {
                int step = s;
                histograms.put(step, new Histogram(TimeUnit.MINUTES.toNanos(5), 3));
                receivedByStep.put(step, new AtomicLong());
                var backlogAtStart = sent.get() - received.get();
                var receivedAtStart = received.get();
                var started = System.nanoTime();
                long interval = 1_000_000_000L / rates[s];
                long count = stepLength.toNanos() / interval;
                var payload = new byte[recordBytes];
                for (long n = 0; n < count; n++) {
                    long scheduled = started + n * interval;
                    long wait = scheduled - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the open-loop schedule itself, not a wait for a result
                    }
                    long sequence = sent.getAndIncrement();
                    var value = payload.clone();
                    ByteBuffer.wrap(value).putInt(step).putLong(sequence).putLong(scheduled);
                    producer.send(new ProducerRecord<>(topic(0), Long.toString(sequence), value), (metadata, e) -> {
                        if (e != null) {
                            failures.add("source send of " + sequence + ": " + e);
                        }
                    });
                }
                producer.flush();
                var length = Duration.ofNanos(System.nanoTime() - started);
                var backlogAtEnd = sent.get() - received.get();
                steps.add(new Step(rates[s], count, received.get() - receivedAtStart, 0, 0, length, backlogAtStart,
                        backlogAtEnd, histograms.get(step)));
            }
            // Drain: everything sent arrives (or the stages are stuck, which the caller sees as received < sent).
            var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < sent.get() && failures.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            stop.set(true);
            for (var thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("The " + mode + " relay failed: " + String.join("; ", failures));
        }
        // Per step, after the drain: what arrived of it, and how many distinct records (duplicates show as received > distinct).
        var result = new ArrayList<Step>();
        for (int s = 0; s < steps.size(); s++) {
            var step = steps.get(s);
            long first = 0;
            for (int p = 0; p < s; p++) {
                first += steps.get(p).sent();
            }
            long from = first;
            long distinct = seen.stream().filter(q -> q >= from && q < from + step.sent()).count();
            result.add(new Step(step.rate(), step.sent(), step.arrivedInWindow(), receivedByStep.get(s).get(), distinct,
                    step.length(), step.backlogAtStart(), step.backlogAtEnd(), histograms.get(s)));
        }
        return result;
    }

    /**
     * Returns once the broker serves every partition of the new topics. Its metadata names a leader a moment
     * before a partition takes appends, and an idempotent producer whose first batch to a partition fell in
     * that moment while its next ones landed had the first refused as out of order until it expired (120 s;
     * seen here, broker log: OutOfOrderSequenceException, incoming sequence 0). Listing end offsets goes to
     * the partitions themselves, and the admin client asks again until each answers.
     */
    private void awaitServing(Admin admin, List<NewTopic> created) throws Exception {
        var partitions = new HashMap<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
        for (var topic : created) {
            for (int p = 0; p < topic.numPartitions(); p++) {
                partitions.put(new TopicPartition(topic.name(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
        }
        admin.listOffsets(partitions).all().get(60, TimeUnit.SECONDS);
    }

    private static void reporting(java.util.Queue<String> failures, String part, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            failures.add(part + ": " + e);
        }
    }

    private void stage(int from, AtomicBoolean stop) {
        var group = "bench-" + run + "-stage-" + from;
        var transactional = mode == Mode.TRANSACTIONAL;
        try (var consumer = new KafkaConsumer<>(consumerProps(group), new StringDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(producerProps(transactional ? group + "-tx" : null), new StringSerializer(),
                     new ByteArraySerializer())) {
            consumer.subscribe(List.of(topic(from)));
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
            long lastCommit = System.nanoTime();
            while (!stop.get()) {
                for (var record : consumer.poll(Duration.ofMillis(20))) {
                    producer.send(new ProducerRecord<>(topic(from + 1), record.key(), record.value()));
                    offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                if (System.nanoTime() - lastCommit >= commitInterval.toNanos() && !offsets.isEmpty()) {
                    if (transactional) {
                        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                        producer.commitTransaction();
                        producer.beginTransaction();
                    } else {
                        producer.flush();
                        consumer.commitAsync(new HashMap<>(offsets), null);
                    }
                    offsets.clear();
                    lastCommit = System.nanoTime();
                }
            }
            if (transactional) {
                if (!offsets.isEmpty()) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                }
                producer.commitTransaction();
            }
        }
    }

    private void sink(AtomicBoolean stop, AtomicLong received, Map<Integer, Histogram> histograms,
                      Map<Integer, AtomicLong> receivedByStep, java.util.Set<Long> seen) {
        try (var consumer = new KafkaConsumer<>(consumerProps("bench-" + run + "-sink"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic(hops)));
            while (!stop.get()) {
                for (var record : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    var buffer = ByteBuffer.wrap(record.value());
                    int step = buffer.getInt();
                    long sequence = buffer.getLong();
                    long scheduled = buffer.getLong();
                    var histogram = histograms.get(step);
                    if (histogram != null) {
                        synchronized (histogram) {
                            histogram.recordValue(Math.min(Math.max(0, now - scheduled), histogram.getHighestTrackableValue()));
                        }
                        receivedByStep.get(step).incrementAndGet();
                    }
                    seen.add(sequence);
                    received.incrementAndGet();
                }
            }
        }
    }

    private Properties producerProps(String transactionalId) {
        var props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return props;
    }

    private Properties consumerProps(String group) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, mode == Mode.TRANSACTIONAL ? "read_committed" : "read_uncommitted");
        return props;
    }

    /**
     * {@code java -jar benchmarks-exec.jar --bootstrap-servers=127.0.0.1:9092 [--mode=transactional|at-least-once|both]
     * [--rates=1000,2000,4000] [--step=PT20S] [--record-bytes=200] [--hops=2] [--commit-interval=PT0.1S] [--partitions=6]}
     */
    public static void main(String[] args) throws Exception {
        var options = new HashMap<String, String>();
        for (var arg : args) {
            if (arg.startsWith("--") && arg.contains("=")) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
        }
        var bootstrap = options.getOrDefault("bootstrap-servers", "127.0.0.1:9092");
        var rates = java.util.Arrays.stream(options.getOrDefault("rates", "1000,2000,4000,8000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        var step = Duration.parse(options.getOrDefault("step", "PT20S"));
        var modes = switch (options.getOrDefault("mode", "both")) {
            case "transactional" -> List.of(Mode.TRANSACTIONAL);
            case "at-least-once" -> List.of(Mode.AT_LEAST_ONCE);
            default -> List.of(Mode.AT_LEAST_ONCE, Mode.TRANSACTIONAL);
        };
        System.out.println("| relay | rate/s | sent | received/s | p50 ms | p99 ms | p99.9 ms | backlog growth | sustained | duplicates | lost |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |");
        for (var mode : modes) {
            var relay = new Relay(bootstrap, mode, Integer.parseInt(options.getOrDefault("hops", "2")),
                    Integer.parseInt(options.getOrDefault("record-bytes", "200")),
                    Duration.parse(options.getOrDefault("commit-interval", "PT0.1S")),
                    Integer.parseInt(options.getOrDefault("partitions", "6")));
            for (var s : relay.run(rates, step)) {
                System.out.printf("| %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %d | %s | %d | %d |%n", mode, s.rate(), s.sent(),
                        s.receivedPerSecond(), s.millis(50), s.millis(99), s.millis(99.9), s.backlogAtEnd() - s.backlogAtStart(),
                        s.sustained() ? "yes" : "no", s.received() - s.distinct(), s.sent() - s.distinct());
            }
        }
    }
}
