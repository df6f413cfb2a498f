package dev.shipgate.streams;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that keeps the values put since the last commit as objects and encodes each
 * once, when Kafka Streams flushes the task's caches before it commits, instead of at every put.
 * The judge puts a cycle's tally, a write bucket or a campaign's book back after every event that
 * changes it, a hundred times per cycle between two commits; the store's serde, metering and
 * record cache ran for each of those puts (measured: the put path was a fifth of the stream
 * thread).
 *
 * <p>Exactly once holds as with Kafka Streams' own record cache: a task flushes its caches
 * ({@link #flushCache}) before its records are flushed and its offsets committed in the
 * transaction, so every value put before a commit is in that commit's changelog; what was put
 * since is dropped with the store when a failed task is closed dirty, and re-put when its input
 * is processed again. Reads see the values put ({@link #get}); a range or a scan first writes
 * them out, so the underlying store answers it whole.
 *
 * <p>Only a store opened by a running task has a record context to write under; opened another
 * way (a unit test's mock context) every put is written through at once.
 */
final class WriteBackStore<V> extends WrappedStateStore<KeyValueStore<String, V>, String, V>
    implements KeyValueStore<String, V> {

  private final int maxDirty;
  private final Map<String, V> dirty;
  /**
   * Keys the underlying store was read without since the last commit, and not written to it
   * since: deleting one of these deletes only what is pending (a cycle opened and judged between
   * two commits leaves nothing in the changelog, not even a tombstone).
   */
  private final Set<String> absent = new HashSet<>();
  private InternalProcessorContext<?, ?> context;
  private long latestTimestamp;
  private Runnable beforeFlush = () -> { };

  private WriteBackStore(KeyValueStore<String, V> inner, int maxDirty) {
    super(inner);
    this.maxDirty = maxDirty;
    this.dirty = new LinkedHashMap<>(Math.min(maxDirty, 1024));
  }

  /**
   * {@code inner}'s stores wrapped: at most {@code maxDirty} values waiting for the commit (past
   * that, the eldest is written out at once).
   */
  static <V> StoreBuilder<KeyValueStore<String, V>> of(
      StoreBuilder<KeyValueStore<String, V>> inner, int maxDirty) {
    return new Builder<>(inner, maxDirty);
  }

  @Override
  public void init(StateStoreContext stateStoreContext, StateStore root) {
    dirty.clear();
    absent.clear();
    // a store opened again (a revived task) runs nothing of the processor it had before
    beforeFlush = () -> { };
    context = stateStoreContext instanceof InternalProcessorContext<?, ?> c ? c : null;
    super.init(stateStoreContext, root);
  }

  @Override
  public void put(String key, V value) {
    if (context == null) {
      wrapped().put(key, value);
      return;
    }
    if (value == null) {
      delete(key);
      return;
    }
    ProcessorRecordContext current = context.recordContext();
    if (current != null) {
      latestTimestamp = Math.max(latestTimestamp, current.timestamp());
    }
    dirty.put(key, value);
    if (dirty.size() > maxDirty) {
      Iterator<Map.Entry<String, V>> eldest = dirty.entrySet().iterator();
      Map.Entry<String, V> e = eldest.next();
      eldest.remove();
      absent.remove(e.getKey());
      wrapped().put(e.getKey(), e.getValue());
    }
  }

  @Override
  public V putIfAbsent(String key, V value) {
    V previous = get(key);
    if (previous == null) {
      put(key, value);
    }
    return previous;
  }

  @Override
  public void putAll(List<KeyValue<String, V>> entries) {
    entries.forEach(kv -> put(kv.key, kv.value));
  }

  @Override
  public V delete(String key) {
    V pending = dirty.remove(key);
    if (context != null && absent.contains(key)) {
      return pending;
    }
    V stored = wrapped().delete(key);
    return pending != null ? pending : stored;
  }

  @Override
  public V get(String key) {
    V pending = dirty.get(key);
    if (pending != null) {
      return pending;
    }
    V stored = wrapped().get(key);
    if (stored == null && context != null) {
      absent.add(key);
    }
    return stored;
  }

  @Override
  public KeyValueIterator<String, V> range(String from, String to) {
    writeOut();
    return wrapped().range(from, to);
  }

  @Override
  public KeyValueIterator<String, V> reverseRange(String from, String to) {
    writeOut();
    return wrapped().reverseRange(from, to);
  }

  @Override
  public KeyValueIterator<String, V> all() {
    writeOut();
    return wrapped().all();
  }

  @Override
  public KeyValueIterator<String, V> reverseAll() {
    writeOut();
    return wrapped().reverseAll();
  }

  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix,
      PS prefixKeySerializer) {
    writeOut();
    return wrapped().prefixScan(prefix, prefixKeySerializer);
  }

  @Override
  public long approximateNumEntries() {
    return wrapped().approximateNumEntries() + dirty.size();
  }

  /**
   * Has {@code hook} run at the start of every commit's flush of the store under {@code store}'s
   * wrappers (a store as a processor gets it), before that store writes out what is pending, under a
   * record context of no input record: what it puts in a write-back store or forwards is in that
   * commit. Every write-back store of a task runs it, the first one flushed first, so a hook that
   * does its work once per commit must say so itself.
   *
   * @return false when there is no write-back store under {@code store}, or it was not opened by a
   *     running task (then it writes every put through, and no hook runs)
   */
  static boolean beforeFlush(StateStore store, Runnable hook) {
    StateStore s = store;
    while (!(s instanceof WriteBackStore<?>) && s instanceof WrappedStateStore<?, ?, ?> w) {
      s = w.wrapped();
    }
    if (s instanceof WriteBackStore<?> writeBack && writeBack.context != null) {
      writeBack.beforeFlush = hook;
      return true;
    }
    return false;
  }

  /**
   * Before the task's caches are flushed for a commit: the hook ({@link #beforeFlush}), then every
   * value put since the last commit.
   */
  @Override
  public void flushCache() {
    if (context != null) {
      // as Kafka Streams does for a punctuation: a context of no input record
      ProcessorRecordContext saved = context.recordContext();
      context.setRecordContext(new ProcessorRecordContext(latestTimestamp, -1L, -1, null,
          new RecordHeaders()));
      try {
        beforeFlush.run();
        writeOut();
      } finally {
        context.setRecordContext(saved);
      }
    }
    absent.clear();
    super.flushCache();
  }

  @Override
  public void close() {
    // a clean close comes after a commit's flush; a dirty one drops what was not committed
    dirty.clear();
    absent.clear();
    beforeFlush = () -> { };
    super.close();
  }

  /** The values put since the last commit, in the underlying store. */
  private void writeOut() {
    if (dirty.isEmpty()) {
      return;
    }
    List<Map.Entry<String, V>> pending = new ArrayList<>(dirty.entrySet());
    dirty.clear();
    absent.clear();
    for (Map.Entry<String, V> e : pending) {
      wrapped().put(e.getKey(), e.getValue());
    }
  }

  /** Builds {@code inner}'s store and wraps it. */
  private record Builder<V>(StoreBuilder<KeyValueStore<String, V>> inner, int maxDirty)
      implements StoreBuilder<KeyValueStore<String, V>> {

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingEnabled() {
      return new Builder<>(inner.withCachingEnabled(), maxDirty);
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withCachingDisabled() {
      return new Builder<>(inner.withCachingDisabled(), maxDirty);
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingEnabled(Map<String, String> config) {
      return new Builder<>(inner.withLoggingEnabled(config), maxDirty);
    }

    @Override
    public StoreBuilder<KeyValueStore<String, V>> withLoggingDisabled() {
      return new Builder<>(inner.withLoggingDisabled(), maxDirty);
    }

    @Override
    public KeyValueStore<String, V> build() {
      return new WriteBackStore<>(inner.build(), maxDirty);
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
