package market.resale.platform.kafka;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A state store whose entries are forgotten once they fall due: each entry put here also goes into a {@link DueIndex}
 * at the time the caller gives, and {@link #forgetDue} reads only the index entries that are due, never the store.
 * What the time means is the caller's (when it expires, or when it was decided, with the caller's horizon).
 */
public final class ExpiringStore<V> {

    private final KeyValueStore<String, V> store;
    private final DueIndex index;

    public ExpiringStore(KeyValueStore<String, V> store, KeyValueStore<String, String> index) {
        this.store = store;
        this.index = new DueIndex(index);
    }

    public V get(String key) {
        return store.get(key);
    }

    /** Keeps {@code value} under {@code key}, due at {@code at}. */
    public void put(String key, V value, long at) {
        store.put(key, value);
        index.add(at, key);
    }

    /** Lets the entry go before it falls due (its index entry is skipped when it does). */
    public void delete(String key) {
        store.delete(key);
    }

    /** Forgets the entries due at or before {@code upTo}, oldest first, at most {@code max}; how many were still there. */
    public int forgetDue(long upTo, int max) {
        var forgotten = 0;
        for (var due : index.takeDue(upTo, max)) {
            if (store.get(due.key()) != null) {
                store.delete(due.key());
                forgotten++;
            }
        }
        return forgotten;
    }
}
