package market.resale.support.stream;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import market.resale.schemas.support.CaseSummary;
import market.resale.support.domain.CaseType;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * "Cases open by type and age" for dashboards: gauges counted from the global case table, which
 * every instance holds whole. Every instance therefore reports the same numbers; a dashboard takes
 * {@code max without (instance)}, not a sum. Counting walks every case, so it is done at most once
 * per {@code refresh}, not on every scrape.
 */
public final class CaseBacklog {

    /** Age bands of open cases: upper bounds, the last one open-ended. */
    public static final List<Map.Entry<String, Duration>> BANDS = List.of(
            Map.entry("lt_1h", Duration.ofHours(1)),
            Map.entry("1h_24h", Duration.ofHours(24)),
            Map.entry("1d_3d", Duration.ofDays(3)),
            Map.entry("3d_7d", Duration.ofDays(7)),
            Map.entry("gt_7d", Duration.ofDays(365_000)));

    record Snapshot(long at, Map<String, Long> counts, Map<String, Double> oldestSeconds) {
    }

    private final Supplier<ReadOnlyKeyValueStore<String, CaseSummary>> summaries;
    private final Clock clock;
    private final Duration refresh;
    private volatile Snapshot snapshot;

    public CaseBacklog(Supplier<ReadOnlyKeyValueStore<String, CaseSummary>> summaries, Clock clock, Duration refresh,
                       MeterRegistry meters) {
        this.summaries = summaries;
        this.clock = clock;
        this.refresh = refresh;
        for (var type : CaseType.values()) {
            for (var band : BANDS) {
                Gauge.builder("cases_open", this, b -> b.count(type, band.getKey()))
                        .description("Cases not yet resolved or rejected, by type and age band")
                        .tags("type", type.name(), "age", band.getKey()).register(meters);
            }
            Gauge.builder("cases_open_oldest_age_seconds", this, b -> b.oldest(type))
                    .description("Age of the oldest case of this type not yet resolved or rejected")
                    .tags("type", type.name()).register(meters);
        }
    }

    double count(CaseType type, String band) {
        var current = current();
        return current == null ? Double.NaN : current.counts().getOrDefault(type + "|" + band, 0L);
    }

    double oldest(CaseType type) {
        var current = current();
        return current == null ? Double.NaN : current.oldestSeconds().getOrDefault(type.name(), 0.0);
    }

    private Snapshot current() {
        var now = clock.millis();
        var known = snapshot;
        if (known != null && now - known.at() < refresh.toMillis()) {
            return known;
        }
        synchronized (this) {
            if (snapshot != null && now - snapshot.at() < refresh.toMillis()) {
                return snapshot;
            }
            try {
                snapshot = count(summaries.get(), now);
            } catch (RuntimeException unavailable) {
                return null; // not running or restoring: no number rather than a wrong one
            }
            return snapshot;
        }
    }

    static Snapshot count(ReadOnlyKeyValueStore<String, CaseSummary> store, long now) {
        var counts = new HashMap<String, Long>();
        var oldest = new HashMap<String, Double>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> {
                var summary = kv.value;
                var status = summary.getStatus().name();
                if (status.equals("RESOLVED") || status.equals("REJECTED")) {
                    return;
                }
                var age = Duration.ofMillis(Math.max(0, now - summary.getOpenedAt().toEpochMilli()));
                var band = BANDS.stream().filter(b -> age.compareTo(b.getValue()) < 0).findFirst().orElse(BANDS.getLast()).getKey();
                counts.merge(summary.getType().name() + "|" + band, 1L, Long::sum);
                oldest.merge(summary.getType().name(), age.toMillis() / 1000.0, Math::max);
            });
        }
        return new Snapshot(now, Map.copyOf(counts), Map.copyOf(oldest));
    }
}
