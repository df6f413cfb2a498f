package dev.shipgate.streams;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One of the judge's Avro stores with its values kept decoded in memory: a book read or written
 * before is not decoded again (measured: a class's visibility book, decoded at every judged
 * cycle, and the campaign's book, decoded at every poll and fault event, were about a twentieth
 * of the stream thread's time).
 *
 * <p>Every put goes to the store at once (which, a {@link WriteBackStore}, encodes it when the
 * task commits), so a commit holds everything processed before it and a revived or reassigned
 * task, whose judge starts with nothing in memory, reads the same state back. The books handed
 * out are the ones kept: a caller that changes one puts it back before the record is done
 * ({@link Evidence} does). Bounded, least recently used out first.
 */
final class Decoded<V> {
  /**
   * Whether every read of a kept value checks it against the store (the tests set
   * {@code shipgate.streams.verify-kept}): a book changed and not put back would differ.
   */
  static final boolean VERIFY = Boolean.getBoolean("shipgate.streams.verify-kept");

  private final KeyValueStore<String, V> store;
  private final Map<String, V> kept;

  Decoded(KeyValueStore<String, V> store, int max) {
    this.store = store;
    this.kept = lru(max);
  }

  /** A map of at most {@code max} entries in access order, the least recently used out first. */
  static <T> Map<String, T> lru(int max) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
        return size() > max;
      }
    };
  }

  /** The value under {@code key}, or null. */
  V get(String key) {
    V v = kept.get(key);
    if (v != null) {
      if (VERIFY) {
        verify(key, v, store.get(key));
      }
      return v;
    }
    v = store.get(key);
    if (v != null) {
      kept.put(key, v);
    }
    return v;
  }

  void put(String key, V value) {
    store.put(key, value);
    kept.put(key, value);
  }

  static void verify(String key, Object kept, Object stored) {
    if (!Objects.equals(kept, stored)) {
      throw new IllegalStateException("the value kept in memory for " + key
          + " is not the one in its store: changed and not put back?\n kept:   " + kept
          + "\n stored: " + stored);
    }
  }

  /** Deletes every entry under {@code prefix}. */
  void deleteAll(String prefix) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(store::delete);
    kept.keySet().removeIf(k -> k.startsWith(prefix));
  }

  /**
   * The entries under {@code prefix} as stored (the kept value where there is one, so that a
   * caller changing it changes the one kept).
   */
  List<Map.Entry<String, V>> scan(String prefix) {
    List<Map.Entry<String, V>> out = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> {
        V mine = kept.get(kv.key);
        if (VERIFY && mine != null) {
          verify(kv.key, mine, kv.value);
        }
        out.add(Map.entry(kv.key, mine != null ? mine : kv.value));
      });
    }
    return out;
  }
}
