package dev.shipgate.streams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link CycleStores#WRITES} as a cycle task uses it: the open cycles' {@link WriteBucket}s
 * and the {@link WriteTally}s, read decoded from memory when they were read or written before.
 *
 * <p>Every put goes to the store at once as the object it is; the store ({@link WriteBackStore})
 * encodes it ({@link #SERDE}) when the task commits, so a commit holds everything processed
 * before it, exactly once. What is kept here is the decoded form of what the store holds, so a
 * write or a poll does not decode its bucket and tallies again (measured: the store reads and
 * decodes were about a tenth of the stream thread's time). The objects handed out are the ones
 * kept: a caller that changes one puts it back before the record is done. The memory is per
 * cycle task instance, which a revived or reassigned task creates anew, and bounded (least recently
 * used out first).
 */
final class OpenWrites {
  /** Decoded entries kept: about sixty open cycles' buckets and tallies. */
  static final int MAX_DECODED = 1024;

  /**
   * The store's values: put as {@link WriteTally}, {@link WriteBucket} or bytes, written in their
   * binary layouts, read back as bytes (decoded here, where the key says what they are).
   */
  static final Serde<Object> SERDE = Serdes.serdeFrom(
      (topic, v) -> v == null ? null : v instanceof WriteTally t ? t.encode()
          : v instanceof WriteBucket b ? b.encode() : (byte[]) v,
      (topic, bytes) -> bytes);

  private final KeyValueStore<String, Object> store;
  private final Map<String, Object> decoded = Decoded.lru(MAX_DECODED);

  OpenWrites(KeyValueStore<String, Object> store) {
    this.store = store;
  }

  /** The tally under {@code key}, or null when there is none. */
  WriteTally tally(String key) {
    return get(key, WriteTally.class, WriteTally::decode);
  }

  /** The tally under {@code key}, or an empty one (not stored) when there is none. */
  WriteTally tallyOrEmpty(String key) {
    WriteTally t = tally(key);
    return t != null ? t : new WriteTally();
  }

  void put(String key, WriteTally tally) {
    store.put(key, tally);
    decoded.put(key, tally);
  }

  /** The bucket under {@code key}, or an empty one (not stored) when there is none. */
  WriteBucket bucket(String key) {
    WriteBucket b = get(key, WriteBucket.class, WriteBucket::decode);
    return b != null ? b : WriteBucket.decode(null);
  }

  void put(String key, WriteBucket bucket) {
    store.put(key, bucket);
    decoded.put(key, bucket);
  }

  /** The buckets under {@code keys} that hold anything, each deleted. */
  List<WriteBucket> takeBuckets(List<String> keys) {
    List<WriteBucket> out = new ArrayList<>(keys.size());
    for (String key : keys) {
      Object d = decoded.remove(key);
      if (Decoded.VERIFY && d != null) {
        verify(key, d);
      }
      if (d instanceof WriteBucket b) {
        out.add(b);
        store.delete(key);
        continue;
      }
      Object stored = store.get(key);
      if (stored != null) {
        out.add(stored instanceof WriteBucket b ? b : WriteBucket.decode((byte[]) stored));
        store.delete(key);
      }
    }
    return out;
  }

  void delete(String key) {
    decoded.remove(key);
    store.delete(key);
  }

  /** Deletes every entry under {@code prefix}. */
  void deleteAll(String prefix) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Object> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(this::delete);
    decoded.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private <T> T get(String key, Class<T> type, Function<byte[], T> decode) {
    Object d = decoded.get(key);
    if (type.isInstance(d)) {
      if (Decoded.VERIFY) {
        verify(key, d);
      }
      return type.cast(d);
    }
    Object stored = store.get(key);
    if (stored == null) {
      return null;
    }
    // the store hands back what was put since the last commit as it was put
    T value = type.isInstance(stored) ? type.cast(stored) : decode.apply((byte[]) stored);
    decoded.put(key, value);
    return value;
  }

  /** A kept entry's bytes against the store's. */
  private void verify(String key, Object kept) {
    Object stored = store.get(key);
    if (stored == kept) {
      return; // put since the last commit: the store holds this very object
    }
    if (!(stored instanceof byte[] bytes) || !Arrays.equals(SERDE.serializer().serialize(null,
        kept), bytes)) {
      throw new IllegalStateException("the entry kept in memory for " + key
          + " is not the one in the store: changed and not put back?");
    }
  }
}
