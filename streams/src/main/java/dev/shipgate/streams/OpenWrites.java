package dev.shipgate.streams;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link EvidenceStores#WRITES} as the task's judge uses it: the open cycles' {@link WriteBucket}s
 * and the {@link WriteTally}s, read decoded from memory when they were read or written before.
 *
 * <p>Every put is written through to the store at once (so a commit holds everything processed
 * before it, exactly once); what is kept in memory is only the decoded form of what the store
 * holds, so a write or a poll does not decode its bucket and tallies again (measured: the store
 * reads and decodes were about a tenth of the stream thread's time). The objects handed out are
 * the ones kept: a caller that changes one puts it back before the record is done. The memory
 * is per judge instance, which a revived or reassigned task creates anew, and bounded (least
 * recently used out first).
 */
final class OpenWrites {
  /** Decoded entries kept: about sixty open cycles' buckets and tallies. */
  static final int MAX_DECODED = 1024;

  private final KeyValueStore<String, byte[]> store;
  private final Map<String, Object> decoded = Decoded.lru(MAX_DECODED);

  OpenWrites(KeyValueStore<String, byte[]> store) {
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
    store.put(key, tally.encode());
    decoded.put(key, tally);
  }

  /** The bucket under {@code key}, or an empty one (not stored) when there is none. */
  WriteBucket bucket(String key) {
    WriteBucket b = get(key, WriteBucket.class, WriteBucket::decode);
    return b != null ? b : WriteBucket.decode(null);
  }

  void put(String key, WriteBucket bucket) {
    store.put(key, bucket.encode());
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
      byte[] bytes = store.get(key);
      if (bytes != null) {
        out.add(WriteBucket.decode(bytes));
        store.delete(key);
      }
    }
    return out;
  }

  /** A phase 2 write's outcome byte, kept as is. */
  byte[] raw(String key) {
    return store.get(key);
  }

  void putRaw(String key, byte[] value) {
    decoded.remove(key);
    store.put(key, value);
  }

  void delete(String key) {
    decoded.remove(key);
    store.delete(key);
  }

  /** Deletes every entry under {@code prefix}. */
  void deleteAll(String prefix) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
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
    byte[] bytes = store.get(key);
    if (bytes == null) {
      return null;
    }
    T value = decode.apply(bytes);
    decoded.put(key, value);
    return value;
  }

  /** A kept entry's bytes against the store's. */
  private void verify(String key, Object kept) {
    byte[] mine = kept instanceof WriteTally t ? t.encode() : ((WriteBucket) kept).encode();
    if (!Arrays.equals(mine, store.get(key))) {
      throw new IllegalStateException("the entry kept in memory for " + key
          + " is not the one in the store: changed and not put back?");
    }
  }
}
