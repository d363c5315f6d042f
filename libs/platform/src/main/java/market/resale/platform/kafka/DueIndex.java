package market.resale.platform.kafka;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An index of keys by the time they fall due (a window closing, a reminder, a check, an answer to forget),
 * kept in its own state store, so that a timer reads only the entries that are due: its cost follows the
 * number of things falling due, not the size of the store. An entry is {@code <due time, 15 digits>|<key>};
 * the fixed width makes entries sort by time and the key after it unambiguous, whatever it contains.
 */
public final class DueIndex {

    private static final int WIDTH = 15;

    private final KeyValueStore<String, String> store;

    public DueIndex(KeyValueStore<String, String> store) {
        this.store = store;
    }

    /** An entry falling due at {@code at}. */
    public record Due(long at, String key) {
    }

    public void add(long at, String key) {
        store.put(entry(at, key), key);
    }

    public void remove(long at, String key) {
        store.delete(entry(at, key));
    }

    /** Takes the entries due at or before {@code now} out of the index, oldest first, at most {@code max} of them. */
    public List<Due> takeDue(long now, int max) {
        var due = new ArrayList<Due>();
        try (var it = store.range(pad(0) + "|", pad(now) + "|\uffff")) {
            while (it.hasNext() && due.size() < max) {
                var entry = it.next().key;
                due.add(new Due(Long.parseLong(entry.substring(0, WIDTH)), entry.substring(WIDTH + 1)));
            }
        }
        due.forEach(d -> store.delete(entry(d.at(), d.key())));
        return due;
    }

    /** The index entry of {@code key} due at {@code at} (for tests that look into the index). */
    public static String entry(long at, String key) {
        return pad(at) + "|" + key;
    }

    private static String pad(long millis) {
        return String.format("%0" + WIDTH + "d", Math.max(0, millis));
    }
}
