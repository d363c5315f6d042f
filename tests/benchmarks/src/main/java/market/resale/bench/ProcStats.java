package market.resale.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time and memory of running processes, from Linux's {@code /proc}: user + system CPU time
 * ({@code /proc/<pid>/stat}, in clock ticks) and the resident set now and at its peak ({@code VmRSS},
 * {@code VmHWM} of {@code /proc/<pid>/status}). The peak is the kernel's own high-water mark, so it
 * misses nothing between two reads.
 */
final class ProcStats {

    /** Clock ticks per second of {@code /proc/<pid>/stat}'s times: 100 on every Linux this runs on (USER_HZ). */
    static final double TICKS_PER_SECOND = 100.0;

    /** One process at one moment. */
    record Sample(double cpuSeconds, long rssBytes, long peakRssBytes) {
    }

    private ProcStats() {
    }

    /** The processes, by name, that could still be read (a process that has exited is left out). */
    static Map<String, Sample> sample(Map<String, Long> pids) {
        var samples = new LinkedHashMap<String, Sample>();
        pids.forEach((name, pid) -> {
            var sample = sample(pid);
            if (sample != null) {
                samples.put(name, sample);
            }
        });
        return samples;
    }

    static Sample sample(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            long rss = 0;
            long peak = 0;
            for (var line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line) * 1024;
                }
            }
            return new Sample(ticks / TICKS_PER_SECOND, rss, peak);
        } catch (IOException | RuntimeException e) {
            return null; // gone, or not Linux
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
