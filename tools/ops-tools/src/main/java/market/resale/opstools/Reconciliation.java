package market.resale.opstools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import market.resale.schemas.credits.CreditIssued;
import market.resale.schemas.orders.CancelOrderCommand;
import market.resale.schemas.orders.OrderCancelled;
import market.resale.schemas.registry.SchemaRegistryClient;
import market.resale.schemas.serde.AvroDeserializer;
import market.resale.schemas.topics.Topic;
import market.resale.schemas.topics.Topics;
import market.resale.schemas.topics.DeadLetterHeaders;

/**
 * The invariants the system promises, computed from the topics of a running deployment:
 * <ul>
 *   <li>every cancel command is decided once (cancelled or refused) or dead-lettered with a reason;</li>
 *   <li>an order is cancelled at most once, and only an order that was placed;</li>
 *   <li>every cancellation has exactly one credit, of its refund's total, naming its command; no credit without one;</li>
 *   <li>so the sum of credits issued equals the sum of refunds of cancelled orders;</li>
 *   <li>every redemption is applied once, and no user's balance (credits issued minus redemptions, per currency)
 *   is below zero;</li>
 *   <li>a scan conflict is recorded only for an order that was cancelled;</li>
 *   <li>every record can be read: one that cannot is a violation, named with where it is and why, unless it is an
 *   upstream record that orders-service dead-lettered as it arrived;</li>
 *   <li>every service's consumer group has caught up (lag per group).</li>
 * </ul>
 * A broken promise is a <em>violation</em>. Work that may still be in flight (a command not yet
 * decided, a cancellation not yet credited) is <em>pending</em>; once no group has lag and nothing
 * new arrives, pending work that stays pending is lost work.
 */
public final class Reconciliation {

    /** How many examples of each kind a report lists (the counts are always complete). */
    static final int EXAMPLES = 20;

    public enum Verdict { CONSISTENT, SETTLING, VIOLATED }

    /**
     * @param figures   counts and sums, in a stable order
     * @param violations broken promises (examples; {@code figures} has their counts)
     * @param pending   work not done yet: lost if it stays once the lag is 0
     * @param lag       records not yet consumed (committed) per service consumer group
     * @param balances  each user's balance from the topics, credits issued minus redemptions, by {@code <userId> <currency>}
     */
    public record Report(Map<String, Long> figures, List<String> violations, List<String> pending, Map<String, Long> lag,
                         Map<String, Long> balances) {

        public Verdict verdict() {
            if (!violations.isEmpty()) {
                return Verdict.VIOLATED;
            }
            return pending.isEmpty() && totalLag() == 0 ? Verdict.CONSISTENT : Verdict.SETTLING;
        }

        public long totalLag() {
            return lag.values().stream().mapToLong(Long::longValue).sum();
        }

        public long figure(String name) {
            return figures.getOrDefault(name, 0L);
        }
    }

    private final Map<String, Object> clientConfig;
    private final SchemaRegistryClient registry;

    /** {@code clientConfig}: bootstrap servers and any security settings, as for a Kafka client. */
    public Reconciliation(Map<String, Object> clientConfig, SchemaRegistryClient registry) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.registry = registry;
    }

    /** Reconciles until the verdict is not SETTLING or {@code patience} is over; returns the last report. */
    public Report settle(Duration patience) throws InterruptedException {
        var deadline = System.nanoTime() + patience.toNanos();
        var report = run();
        while (report.verdict() == Verdict.SETTLING && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            report = run();
        }
        return report;
    }

    /** One reconciliation: the lag of every group, then one consistent cut of the topics. */
    public Report run() {
        var lag = lag();
        var figures = new LinkedHashMap<String, Long>();
        var violations = new ArrayList<String>();
        var pending = new ArrayList<String>();
        var unreadable = new ArrayList<Unreadable>();
        var deadLetteredRecords = new HashSet<String>();
        var redemptions = new HashMap<String, Integer>();
        var balances = new TreeMap<String, Long>();
        var conflicts = new ArrayList<String>();

        var placed = new HashSet<String>();
        var commands = new LinkedHashMap<String, CancelOrderCommand>();
        var decisions = new HashMap<String, Integer>();
        var cancelledByOrder = new HashMap<String, OrderCancelled>();
        var creditsByOrder = new HashMap<String, List<CreditIssued>>();
        var deadLettered = new HashSet<String>();
        long cancellations = 0;
        long rejections = 0;

        var topics = List.of(Topics.ORDER_PLACED.name(), Topics.CANCEL_COMMANDS.name(), Topics.ORDER_CANCELLED.name(),
                Topics.CANCELLATION_REJECTED.name(), Topics.CREDIT_ISSUED.name(), Topics.CREDIT_REDEEMED.name(),
                Topics.SCAN_CONFLICTS.name(), Topic.deadLetterTopic("orders-service"));
        try (var snapshot = new TopicSnapshot(clientConfig, topics)) {
            // First the dead letters: an unreadable upstream record that orders-service dead-lettered is accounted for.
            snapshot.read(Topic.deadLetterTopic("orders-service"), r -> {
                var source = Redrive.header(r, DeadLetterHeaders.SOURCE_TOPIC);
                deadLetteredRecords.add(source + "/" + Redrive.header(r, DeadLetterHeaders.SOURCE_PARTITION) + "@" + Redrive.header(r, DeadLetterHeaders.SOURCE_OFFSET));
                if (Topics.CANCEL_COMMANDS.name().equals(source)) {
                    // A dead-lettered command may be the unreadable record itself: not a second violation.
                    var c = decode(Topics.CANCEL_COMMANDS, r, new ArrayList<>());
                    if (c != null) {
                        deadLettered.add(c.getCommandId());
                    }
                }
            });
            snapshot.read(Topics.ORDER_PLACED.name(), r -> {
                var o = decode(Topics.ORDER_PLACED, r, unreadable);
                if (o != null) {
                    placed.add(o.getOrderId());
                }
            });
            snapshot.read(Topics.CANCEL_COMMANDS.name(), r -> {
                var c = decode(Topics.CANCEL_COMMANDS, r, unreadable);
                if (c != null) {
                    commands.putIfAbsent(c.getCommandId(), c);
                }
            });
            var cancelledCount = new long[1];
            var doubleCancelled = new ArrayList<String>();
            snapshot.read(Topics.ORDER_CANCELLED.name(), r -> {
                var c = decode(Topics.ORDER_CANCELLED, r, unreadable);
                if (c == null) {
                    return;
                }
                cancelledCount[0]++;
                decisions.merge(c.getCommandId(), 1, Integer::sum);
                var earlier = cancelledByOrder.putIfAbsent(c.getOrderId(), c);
                if (earlier != null) {
                    doubleCancelled.add(c.getOrderId());
                }
            });
            cancellations = cancelledCount[0];
            count(violations, figures, "orders_cancelled_twice", doubleCancelled, id -> "order " + id + " cancelled more than once");
            var rejectedCount = new long[1];
            snapshot.read(Topics.CANCELLATION_REJECTED.name(), r -> {
                var c = decode(Topics.CANCELLATION_REJECTED, r, unreadable);
                if (c != null) {
                    rejectedCount[0]++;
                    decisions.merge(c.getCommandId(), 1, Integer::sum);
                }
            });
            rejections = rejectedCount[0];
            snapshot.read(Topics.CREDIT_ISSUED.name(), r -> {
                var c = decode(Topics.CREDIT_ISSUED, r, unreadable);
                if (c != null) {
                    creditsByOrder.computeIfAbsent(c.getOrderId(), k -> new ArrayList<>()).add(c);
                    balances.merge(c.getUserId() + " " + c.getCurrency(), c.getAmountCents(), Long::sum);
                }
            });
            snapshot.read(Topics.CREDIT_REDEEMED.name(), r -> {
                var c = decode(Topics.CREDIT_REDEEMED, r, unreadable);
                if (c != null) {
                    redemptions.merge(c.getUserId() + " " + c.getRequestId(), 1, Integer::sum);
                    balances.merge(c.getUserId() + " " + c.getCurrency(), -c.getAmountCents(), Long::sum);
                }
            });
            snapshot.read(Topics.SCAN_CONFLICTS.name(), r -> {
                var c = decode(Topics.SCAN_CONFLICTS, r, unreadable);
                if (c != null) {
                    conflicts.add(c.getOrderId());
                }
            });
        }

        figures.put("orders_placed", (long) placed.size());
        figures.put("cancel_commands", (long) commands.size());
        figures.put("cancellations", cancellations);
        figures.put("refusals", rejections);
        figures.put("commands_dead_lettered", (long) deadLettered.size());
        var unaccounted = unreadable.stream()
                .filter(u -> !(Topics.ORDER_PLACED.name().equals(u.topic()) && deadLetteredRecords.contains(u.where())))
                .map(u -> u.where() + ": " + u.cause()).toList();
        figures.put("unreadable_dead_lettered", (long) (unreadable.size() - unaccounted.size()));
        count(violations, figures, "unreadable_records", unaccounted, u -> "unreadable record " + u);

        count(violations, figures, "commands_decided_twice",
                decisions.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList(),
                id -> "command " + id + " decided more than once");
        count(violations, figures, "decisions_without_command",
                decisions.keySet().stream().filter(id -> !commands.containsKey(id)).toList(),
                id -> "decision for command " + id + ", which is not on " + Topics.CANCEL_COMMANDS.name());
        count(violations, figures, "cancellations_of_unplaced_orders",
                cancelledByOrder.keySet().stream().filter(id -> !placed.contains(id)).toList(),
                id -> "order " + id + " cancelled but never placed");
        count(pending, figures, "commands_undecided",
                commands.keySet().stream().filter(id -> !decisions.containsKey(id) && !deadLettered.contains(id)).toList(),
                id -> "command " + id + " (order " + commands.get(id).getOrderId() + ") not decided yet");

        long credited = 0;
        long refunded = 0;
        var duplicate = new ArrayList<String>();
        var wrongAmount = new ArrayList<String>();
        var wrongCommand = new ArrayList<String>();
        var uncredited = new ArrayList<String>();
        for (var cancelled : cancelledByOrder.values()) {
            refunded += cancelled.getRefund().getTotalCents();
            var credits = creditsByOrder.getOrDefault(cancelled.getOrderId(), List.of());
            if (credits.isEmpty()) {
                uncredited.add(cancelled.getOrderId());
            }
            if (credits.size() > 1) {
                duplicate.add(cancelled.getOrderId() + " (" + credits.size() + " credits)");
            }
            for (var credit : credits) {
                if (credit.getAmountCents() != cancelled.getRefund().getTotalCents()) {
                    wrongAmount.add(cancelled.getOrderId() + " (credit " + credit.getAmountCents() + ", refund "
                            + cancelled.getRefund().getTotalCents() + ")");
                }
                if (!credit.getCancelCommandId().equals(cancelled.getCommandId())) {
                    wrongCommand.add(cancelled.getOrderId());
                }
            }
        }
        long creditCount = 0;
        for (var credits : creditsByOrder.values()) {
            for (var credit : credits) {
                credited += credit.getAmountCents();
                creditCount++;
            }
        }
        figures.put("credits_issued", creditCount);
        figures.put("credited_cents", credited);
        figures.put("refunded_cents", refunded);
        count(violations, figures, "duplicate_credits", duplicate, id -> "order " + id + " credited more than once");
        count(violations, figures, "credits_with_wrong_amount", wrongAmount, id -> "order " + id);
        count(violations, figures, "credits_for_another_command", wrongCommand, id -> "order " + id + ": credit names another command");
        count(violations, figures, "credits_without_cancellation",
                creditsByOrder.keySet().stream().filter(id -> !cancelledByOrder.containsKey(id)).toList(),
                id -> "order " + id + " credited but not cancelled");
        count(pending, figures, "cancellations_uncredited", uncredited, id -> "order " + id + " cancelled, no credit yet");
        if (uncredited.isEmpty() && duplicate.isEmpty() && credited != refunded) {
            violations.add("credits issued (" + credited + " cents) differ from refunds of cancelled orders (" + refunded + " cents)");
        }
        figures.put("redemptions", redemptions.values().stream().mapToLong(Integer::longValue).sum());
        count(violations, figures, "redemptions_applied_twice",
                redemptions.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList(),
                id -> "redemption " + id + " applied more than once");
        count(violations, figures, "negative_balances",
                balances.entrySet().stream().filter(e -> e.getValue() < 0).map(e -> e.getKey() + " " + e.getValue()).toList(),
                b -> "balance below zero: " + b);
        figures.put("scan_conflicts", (long) conflicts.size());
        count(violations, figures, "conflicts_without_cancellation",
                conflicts.stream().filter(id -> !cancelledByOrder.containsKey(id)).distinct().toList(),
                id -> "scan conflict for order " + id + ", which was not cancelled");
        figures.put("lag", lag.values().stream().mapToLong(Long::longValue).sum());
        return new Report(figures, List.copyOf(violations), List.copyOf(pending), lag, Map.copyOf(balances));
    }

    private static void count(List<String> into, Map<String, Long> figures, String name, List<String> ids,
                              java.util.function.Function<String, String> describe) {
        figures.put(name, (long) ids.size());
        ids.stream().sorted().limit(EXAMPLES).map(describe).forEach(into::add);
        if (ids.size() > EXAMPLES) {
            into.add("... and " + (ids.size() - EXAMPLES) + " more " + name);
        }
    }

    /** A record that could not be read: where it is and why. */
    record Unreadable(String topic, String where, String cause) {
    }

    private <T extends SpecificRecord> T decode(Topic<T> topic, ConsumerRecord<String, byte[]> record, List<Unreadable> unreadable) {
        try {
            return new AvroDeserializer<>(registry, topic.valueType()).deserialize(topic.name(), record.value());
        } catch (RuntimeException e) {
            // Not swallowed: it is reported (a violation unless it was dead-lettered as it arrived), with its cause.
            unreadable.add(new Unreadable(record.topic(), record.topic() + "/" + record.partition() + "@" + record.offset(),
                    String.valueOf(e.getMessage())));
            return null;
        }
    }

    /** Records each service's group has not consumed yet: read-committed end offset minus committed offset, per partition. */
    public Map<String, Long> lag() {
        var lag = new TreeMap<String, Long>();
        try (var admin = Admin.create(clientConfig)) {
            for (var group : Topics.APPLICATIONS) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                var specs = new HashMap<TopicPartition, OffsetSpec>();
                committed.keySet().forEach(p -> specs.put(p, OffsetSpec.latest()));
                var ends = admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                        .get(30, TimeUnit.SECONDS);
                long behind = 0;
                for (var entry : committed.entrySet()) {
                    if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                        behind += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
                    }
                }
                lag.put(group, behind);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not read consumer group offsets: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return lag;
    }
}
