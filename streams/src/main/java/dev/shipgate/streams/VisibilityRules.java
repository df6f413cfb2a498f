package dev.shipgate.streams;

import dev.shipgate.events.CampaignConfig;
import dev.shipgate.events.FaultAction;
import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.Diagnosis;
import dev.shipgate.results.NodeVisibility;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.results.WindowVisibility;
import dev.shipgate.results.WritePoint;
import dev.shipgate.results.WriteWindow;
import dev.shipgate.schemas.WriteIds;
import dev.shipgate.state.CycleBook;
import dev.shipgate.state.NodeHeld;
import dev.shipgate.state.NodeTally;
import dev.shipgate.state.VisibilityBook;
import dev.shipgate.state.WindowTally;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Slow or lost, as pure functions of the state. One closed cycle's writes ({@link WriteRecord}s)
 * become its set-checker lists and {@link WritePoint}s; those make the cycle's contribution, merged
 * into the class's {@link VisibilityBook} (sums and histograms of fixed size), which reads out as a
 * {@link VisibilitySummary} with its diagnosis line.
 *
 * <p>Definitions (per node index, over nodes whose final poll listed ids): <b>lost</b>
 * acknowledged, not held at the end of the settle; <b>recovered</b> acknowledged, not held at the
 * seed's settle point (the poll the bound counts) but held at the end: slow, not lost;
 * <b>unexpected</b> not acknowledged but held at the end (an indeterminate write resolved as
 * applied); <b>duplicated</b> listed twice at the end. A write's visibility latency on a node is the
 * end of the first poll that showed it minus its acknowledgement: an upper bound, within a poll
 * interval plus a poll's duration.
 */
final class VisibilityRules {
  private VisibilityRules() {}

  /** The t of P(visible by t), ms: 0, 10, 50, 100, 500 ms, 1, 3, 10, 90 s. */
  static final List<Long> T_MS = List.of(0L, 10L, 50L, 100L, 500L, 1_000L, 3_000L, 10_000L,
      90_000L);
  private static final long[] T_MS_ARRAY = T_MS.stream().mapToLong(Long::longValue).toArray();
  static final int SAMPLE = 20;
  /**
   * Cycles (by number) whose {@link CycleConvergence} carries its write points; later cycles
   * carry their lists and counts only, and every cycle's points go into the class's book. A
   * 10^6-write campaign would otherwise publish 10^6 points (measured: Streams 44 % slower).
   */
  static final int POINT_CYCLES = 100;
  private static final WriteWindow[] WINDOWS = WriteWindow.values();

  // ------------------------------------------------------------------------------ one cycle

  /** A closed cycle's lists and points, to set on its {@link CycleConvergence}. */
  record CycleSets(Map<String, List<String>> recovered, Map<String, List<String>> unexpected,
      Map<String, List<String>> duplicated, boolean countedAtSeedPoint, List<WritePoint> points) {}

  /**
   * @param records the cycle's written writes by id (sightings-only records left out)
   */
  static CycleSets cycle(CycleBook cb, Map<String, WriteRecord> records) {
    List<NodeHeld> finals = cb.getNodes() == null ? List.of() : cb.getNodes();
    Map<Integer, Set<String>> countedIds = new HashMap<>();
    boolean separateSeed = cb.getCounted() != null;
    if (separateSeed) {
      for (NodeHeld n : cb.getCounted()) {
        countedIds.put(n.getIndex(), n.getIds() == null ? null : new HashSet<>(n.getIds()));
      }
    }
    int width = 0;
    for (NodeHeld n : finals) {
      width = Math.max(width, n.getIndex() + 1);
    }
    Map<String, List<String>> recovered = new TreeMap<>();
    Map<String, List<String>> unexpected = new TreeMap<>();
    Map<String, List<String>> duplicated = new TreeMap<>();
    List<Set<String>> heldAtEnd = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      heldAtEnd.add(null);
    }
    for (NodeHeld n : finals) {
      if (n.getIndex() < 0 || n.getIds() == null) {
        continue;
      }
      Set<String> held = new HashSet<>();
      List<String> dup = new ArrayList<>();
      for (String id : n.getIds()) {
        if (!held.add(id) && records.containsKey(id) && !dup.contains(id)) {
          dup.add(id);
        }
      }
      heldAtEnd.set(n.getIndex(), held);
      List<String> rec = new ArrayList<>();
      List<String> unexp = new ArrayList<>();
      Set<String> atSeed = separateSeed ? countedIds.get(n.getIndex()) : null;
      for (String id : held) {
        WriteRecord r = records.get(id);
        if (r == null) {
          continue;
        }
        if (r.outcome() != WriteOutcome.OK) {
          unexp.add(id);
        } else if (separateSeed && (atSeed == null || !atSeed.contains(id))) {
          rec.add(id);
        }
      }
      rec.sort(WriteIds.ORDER);
      unexp.sort(WriteIds.ORDER);
      dup.sort(WriteIds.ORDER);
      if (!rec.isEmpty()) {
        recovered.put(n.getNode(), rec);
      }
      if (!unexp.isEmpty()) {
        unexpected.put(n.getNode(), unexp);
      }
      if (!dup.isEmpty()) {
        duplicated.put(n.getNode(), dup);
      }
    }
    long[] window = faultWindow(cb);
    List<String> ids = inIdOrder(records);
    List<WritePoint> points = new ArrayList<>(ids.size());
    for (String id : ids) {
      WriteRecord r = records.get(id);
      List<Long> visible = new ArrayList<>(width);
      List<Boolean> held = new ArrayList<>(width);
      for (int i = 0; i < width; i++) {
        visible.add(r.visibleMs(i));
        held.add(heldAtEnd.get(i) != null && heldAtEnd.get(i).contains(id));
      }
      points.add(WritePoint.newBuilder()
          .setWriteId(id)
          .setIssuedAt(r.issuedAt)
          .setLatencyMs(r.latencyMs())
          .setOutcome(r.outcome())
          .setWindow(window(r.issuedAt, window))
          .setVisibleMs(visible)
          .setHeldAtEnd(held)
          .build());
    }
    return new CycleSets(recovered, unexpected, duplicated, separateSeed, points);
  }

  /**
   * The ids of {@code records} in {@link WriteIds#ORDER}: first by the time each was issued (a
   * comparison of two numbers), which for a driver's cycle is nearly the id order already, so the
   * sort by id that follows (a total order: the same result from any start) mostly checks it,
   * about one id comparison per write instead of about six.
   */
  static List<String> inIdOrder(Map<String, WriteRecord> records) {
    @SuppressWarnings("unchecked")
    Map.Entry<String, WriteRecord>[] byIssue = records.entrySet().toArray(new Map.Entry[0]);
    Arrays.sort(byIssue, (a, b) -> Long.compare(a.getValue().issuedAt, b.getValue().issuedAt));
    List<String> ids = new ArrayList<>(byIssue.length);
    for (Map.Entry<String, WriteRecord> e : byIssue) {
      ids.add(e.getKey());
    }
    ids.sort(WriteIds.ORDER);
    return ids;
  }

  /**
   * The cycle's fault window {injected, healed} (epoch ms, -1 none) from its fault events up to
   * its final poll: events after it (a kill's restart, after the settle) are not the writes'
   * window, and are not awaited. Null when the final poll did not announce its fault events:
   * they may be read after the cycle closes, so no window is drawn from them.
   */
  static long[] faultWindow(CycleBook cb) {
    if (cb.getExpectedFaults() == null) {
      return null;
    }
    long injected = -1;
    long healed = -1;
    long until = cb.getFinalAt() == null ? Long.MAX_VALUE : cb.getFinalAt();
    List<Long> times = cb.getFaultTimes();
    for (int i = 0; i + 1 < times.size(); i += 2) {
      int action = times.get(i).intValue();
      long t = times.get(i + 1);
      if (t > until) {
        continue;
      }
      if (action == FaultAction.INJECTED.ordinal() && (injected < 0 || t < injected)) {
        injected = t;
      }
    }
    for (int i = 0; i + 1 < times.size(); i += 2) {
      long t = times.get(i + 1);
      if (times.get(i).intValue() == FaultAction.HEALED.ordinal() && injected >= 0
          && t >= injected && t <= until && (healed < 0 || t < healed)) {
        healed = t;
      }
    }
    return new long[] {injected, healed};
  }

  /** The cycle's fault events up to its final poll (those its final poll announced). */
  static long faultEventsUpToFinal(CycleBook cb) {
    long until = cb.getFinalAt() == null ? Long.MAX_VALUE : cb.getFinalAt();
    long n = 0;
    List<Long> times = cb.getFaultTimes();
    for (int i = 0; i + 1 < times.size(); i += 2) {
      if (times.get(i + 1) <= until) {
        n++;
      }
    }
    return n;
  }

  static WriteWindow window(long issuedAt, long[] window) {
    if (window == null) {
      return WriteWindow.UNKNOWN;
    }
    if (window[0] < 0 || issuedAt < window[0]) {
      return WriteWindow.PRE_FAULT;
    }
    return window[1] >= 0 && issuedAt >= window[1] ? WriteWindow.POST_HEAL
        : WriteWindow.DURING_FAULT;
  }

  // ------------------------------------------------------------------------------ the class

  static VisibilityBook empty() {
    List<WindowTally> windows = new ArrayList<>();
    for (int i = 0; i < WINDOWS.length; i++) {
      windows.add(WindowTally.newBuilder().build());
    }
    return VisibilityBook.newBuilder().setNodes(new ArrayList<>()).setWindows(windows).build();
  }

  /**
   * What one closed cycle adds to its class's book: a book of that cycle alone, small and of fixed
   * size whatever the cycle's writes, to be {@link #merge merged} into the class's book wherever
   * that book is kept.
   */
  static VisibilityBook contribution(CycleBook cb, CycleConvergence cc, List<WritePoint> points) {
    VisibilityBook book = empty();
    foldInto(book, cb, cc, points);
    return book;
  }

  /**
   * Adds {@code part} (a {@link #contribution}, or a book of other cycles than {@code book}'s) into
   * {@code book}. Sums and maxima add up in any order; each id sample keeps the lowest cycles'
   * ids ({@link Samples}); a node's names are the first 8 met.
   */
  static void merge(VisibilityBook book, VisibilityBook part) {
    book.setCycles(book.getCycles() + part.getCycles());
    book.setMaxEventTime(Math.max(book.getMaxEventTime(), part.getMaxEventTime()));
    book.setAnyIds(book.getAnyIds() || part.getAnyIds());
    List<NodeTally> parts = part.getNodes();
    if (!parts.isEmpty()) {
      node(book, parts.size() - 1);
    }
    for (int i = 0; i < parts.size(); i++) {
      mergeNode(book.getNodes().get(i), parts.get(i));
    }
    for (int k = 0; k < WINDOWS.length; k++) {
      WindowTally w = book.getWindows().get(k);
      WindowTally p = part.getWindows().get(k);
      w.setAttempted(w.getAttempted() + p.getAttempted());
      w.setOk(w.getOk() + p.getOk());
      w.setLost(w.getLost() + p.getLost());
      if (!p.getWriteHistogram().isEmpty()) {
        w.setWriteHistogram(added(w.getWriteHistogram(), p.getWriteHistogram()));
      }
      if (!p.getVisibilityHistogram().isEmpty()) {
        w.setVisibilityHistogram(added(w.getVisibilityHistogram(), p.getVisibilityHistogram()));
      }
    }
  }

  private static void mergeNode(NodeTally t, NodeTally p) {
    List<String> names = t.getNodeNames();
    for (String name : p.getNodeNames()) {
      if (!names.contains(name) && names.size() < 8) {
        names = new ArrayList<>(names);
        names.add(name);
      }
    }
    t.setNodeNames(names);
    t.setUnreadableCycles(t.getUnreadableCycles() + p.getUnreadableCycles());
    t.setAcked(t.getAcked() + p.getAcked());
    t.setVisible(t.getVisible() + p.getVisible());
    t.setLost(t.getLost() + p.getLost());
    t.setRecovered(t.getRecovered() + p.getRecovered());
    t.setUnexpected(t.getUnexpected() + p.getUnexpected());
    t.setIndeterminateApplied(t.getIndeterminateApplied() + p.getIndeterminateApplied());
    t.setDuplicated(t.getDuplicated() + p.getDuplicated());
    if (p.getMaxMs() != null) {
      t.setMaxMs(t.getMaxMs() == null ? p.getMaxMs() : Math.max(t.getMaxMs(), p.getMaxMs()));
    }
    List<Long> by = t.getVisibleBy();
    List<Long> pby = p.getVisibleBy();
    for (int k = 0; k < pby.size(); k++) {
      if (pby.get(k) != 0) {
        if (!(by instanceof ArrayList)) {
          by = new ArrayList<>(by);
        }
        while (by.size() <= k) {
          by.add(0L);
        }
        by.set(k, by.get(k) + pby.get(k));
      }
    }
    t.setVisibleBy(by);
    if (!p.getHistogram().isEmpty()) {
      t.setHistogram(added(t.getHistogram(), p.getHistogram()));
    }
    if (!p.getLostByWindow().isEmpty()) {
      t.setLostByWindow(added(t.getLostByWindow(), p.getLostByWindow()));
    }
    t.setLostSample(Samples.merge(t.getLostSample(), p.getLostSample(), SAMPLE));
    t.setRecoveredSample(Samples.merge(t.getRecoveredSample(), p.getRecoveredSample(), SAMPLE));
    t.setUnexpectedSample(Samples.merge(t.getUnexpectedSample(), p.getUnexpectedSample(),
        SAMPLE));
  }

  /** {@code counts} with {@code more} added, key by key. */
  private static Map<String, Long> added(Map<String, Long> counts, Map<String, Long> more) {
    Map<String, Long> out = mutable(counts);
    more.forEach((k, v) -> out.merge(k, v, Long::sum));
    return out;
  }

  /** One cycle into {@code book}, the empty book of a {@link #contribution}. */
  private static void foldInto(VisibilityBook book, CycleBook cb, CycleConvergence cc,
      List<WritePoint> points) {
    book.setCycles(book.getCycles() + 1);
    book.setMaxEventTime(Math.max(book.getMaxEventTime(), cb.getMaxEventTime()));
    List<NodeHeld> finals = cb.getNodes() == null ? List.of() : cb.getNodes();
    int cycle = cb.getCycle();
    Map<Integer, String> readable = new LinkedHashMap<>();
    for (NodeHeld n : finals) {
      if (n.getIndex() < 0) {
        continue;
      }
      NodeTally t = node(book, n.getIndex());
      if (!t.getNodeNames().contains(n.getNode()) && t.getNodeNames().size() < 8) {
        List<String> names = new ArrayList<>(t.getNodeNames());
        names.add(n.getNode());
        t.setNodeNames(names);
      }
      if (n.getIds() == null) {
        t.setUnreadableCycles(t.getUnreadableCycles() + 1);
      } else {
        readable.put(n.getIndex(), n.getNode());
        book.setAnyIds(true);
      }
    }
    for (Map.Entry<Integer, String> e : readable.entrySet()) {
      int i = e.getKey();
      String name = e.getValue();
      NodeTally t = node(book, i);
      Map<String, Long> hist = mutable(t.getHistogram());
      Map<String, Long> lostBy = mutable(t.getLostByWindow());
      List<Long> by = new ArrayList<>(t.getVisibleBy());
      List<String> lostIds = new ArrayList<>();
      Buckets visibleMs = new Buckets(points.size());
      // the cycle's counts first, then into the book's (boxed) fields once per node
      long acked = 0;
      long visible = 0;
      long maxMs = -1;
      long[] visibleBy = new long[T_MS_ARRAY.length];
      for (WritePoint p : points) {
        if (p.getOutcome() != WriteOutcome.OK) {
          continue;
        }
        acked++;
        if (i < p.getHeldAtEnd().size() && p.getHeldAtEnd().get(i)) {
          visible++;
          Long ms = p.getVisibleMs().get(i);
          long v = ms == null ? 0 : ms;
          visibleMs.add(v);
          maxMs = Math.max(maxMs, v);
          // T_MS ascending: v counts for every t from the first one it is within
          for (int k = T_MS_ARRAY.length - 1; k >= 0 && v <= T_MS_ARRAY[k]; k--) {
            visibleBy[k]++;
          }
        } else {
          t.setLost(t.getLost() + 1);
          lostBy.merge(p.getWindow().name(), 1L, Long::sum);
          lostIds.add(p.getWriteId());
        }
      }
      t.setAcked(t.getAcked() + acked);
      if (visible > 0) {
        t.setVisible(t.getVisible() + visible);
        t.setMaxMs(t.getMaxMs() == null ? maxMs : Math.max(t.getMaxMs(), maxMs));
        for (int k = 0; k < visibleBy.length; k++) {
          if (visibleBy[k] > 0) {
            by.set(k, by.get(k) + visibleBy[k]);
          }
        }
      }
      visibleMs.addTo(hist);
      List<String> rec = cc.getRecoveredIds().getOrDefault(name, List.of());
      List<String> unexp = cc.getUnexpectedIds().getOrDefault(name, List.of());
      t.setRecovered(t.getRecovered() + rec.size());
      t.setRecoveredSample(Samples.with(t.getRecoveredSample(), cycle, rec, SAMPLE));
      t.setUnexpected(t.getUnexpected() + unexp.size());
      t.setUnexpectedSample(Samples.with(t.getUnexpectedSample(), cycle, unexp, SAMPLE));
      long indeterminate = 0;
      Set<String> unexpSet = new HashSet<>(unexp);
      for (WritePoint p : points) {
        if (p.getOutcome() == WriteOutcome.INDETERMINATE && unexpSet.contains(p.getWriteId())) {
          indeterminate++;
        }
      }
      t.setIndeterminateApplied(t.getIndeterminateApplied() + indeterminate);
      t.setDuplicated(t.getDuplicated()
          + cc.getDuplicatedIds().getOrDefault(name, List.of()).size());
      t.setHistogram(hist);
      t.setLostByWindow(lostBy);
      t.setVisibleBy(by);
      t.setLostSample(Samples.with(t.getLostSample(), cycle, lostIds, SAMPLE));
    }
    Buckets[] writeMs = new Buckets[WINDOWS.length];
    Buckets[] everywhereMs = new Buckets[WINDOWS.length];
    for (int k = 0; k < WINDOWS.length; k++) {
      writeMs[k] = new Buckets(points.size());
      everywhereMs[k] = new Buckets(points.size());
    }
    for (WritePoint p : points) {
      int k = p.getWindow().ordinal();
      WindowTally w = book.getWindows().get(k);
      w.setAttempted(w.getAttempted() + 1);
      if (p.getLatencyMs() != null) {
        writeMs[k].add(p.getLatencyMs());
      }
      if (p.getOutcome() != WriteOutcome.OK || readable.isEmpty()) {
        continue;
      }
      w.setOk(w.getOk() + 1);
      long everywhere = 0;
      boolean lost = false;
      for (int i : readable.keySet()) {
        if (i >= p.getHeldAtEnd().size() || !p.getHeldAtEnd().get(i)) {
          lost = true;
          break;
        }
        Long ms = p.getVisibleMs().get(i);
        everywhere = Math.max(everywhere, ms == null ? 0 : ms);
      }
      if (lost) {
        w.setLost(w.getLost() + 1);
      } else {
        everywhereMs[k].add(everywhere);
      }
    }
    for (int k = 0; k < WINDOWS.length; k++) {
      if (writeMs[k].isEmpty() && everywhereMs[k].isEmpty()) {
        continue;
      }
      WindowTally w = book.getWindows().get(k);
      if (!writeMs[k].isEmpty()) {
        Map<String, Long> h = mutable(w.getWriteHistogram());
        writeMs[k].addTo(h);
        w.setWriteHistogram(h);
      }
      if (!everywhereMs[k].isEmpty()) {
        Map<String, Long> h = mutable(w.getVisibilityHistogram());
        everywhereMs[k].addTo(h);
        w.setVisibilityHistogram(h);
      }
    }
  }

  /**
   * A cycle's latencies for one histogram, counted into it at once: each distinct bucket's key
   * built and merged once, not once per write.
   */
  private static final class Buckets {
    private final long[] values;
    private int n;

    Buckets(int capacity) {
      values = new long[capacity];
    }

    void add(long latencyMs) {
      values[n++] = LatencyHistogram.bucket(latencyMs);
    }

    boolean isEmpty() {
      return n == 0;
    }

    /** Adds the counts to {@code histogram}, new buckets in ascending order. */
    void addTo(Map<String, Long> histogram) {
      Arrays.sort(values, 0, n);
      for (int i = 0; i < n; ) {
        int j = i;
        while (j < n && values[j] == values[i]) {
          j++;
        }
        histogram.merge(LatencyHistogram.key(values[i]), (long) (j - i), Long::sum);
        i = j;
      }
    }
  }

  /** {@code m} itself when it can be changed (as decoded from the store), else a copy. */
  private static Map<String, Long> mutable(Map<String, Long> m) {
    return m instanceof HashMap ? m : new HashMap<>(m);
  }

  private static NodeTally node(VisibilityBook book, int index) {
    List<NodeTally> nodes = book.getNodes();
    if (!(nodes instanceof ArrayList)) {
      nodes = new ArrayList<>(nodes);
      book.setNodes(nodes);
    }
    while (nodes.size() <= index) {
      List<Long> zeros = new ArrayList<>();
      T_MS.forEach(t -> zeros.add(0L));
      nodes.add(NodeTally.newBuilder().setVisibleBy(zeros).build());
    }
    return nodes.get(index);
  }

  // ------------------------------------------------------------------------------ read out

  private static Long atMost(Long v, Long max) {
    if (v == null || max == null) {
      return v;
    }
    return Long.valueOf(Math.min(v, max));
  }

  /** The seed's settle the campaign ran with, from its settings; null when not recorded. */
  static Long seedSettleMs(CampaignConfig config) {
    if (config == null) {
      return null;
    }
    String v = config.getSettings().get("phase4.settle.seed_settle_ms");
    if (v == null) {
      v = config.getSettings().get("phase4.settle.max_settle_ms");
    }
    try {
      return v == null ? null : Long.valueOf(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static VisibilitySummary summary(String campaign, String fault, VisibilityBook book,
      CampaignConfig config, boolean pending) {
    Long seedSettle = seedSettleMs(config);
    List<NodeVisibility> nodes = new ArrayList<>();
    Long p99 = null;
    for (int i = 0; i < book.getNodes().size(); i++) {
      NodeTally t = book.getNodes().get(i);
      // a bucket is rounded up: never report a quantile above the exact maximum
      Long[] q = LatencyHistogram.quantiles(t.getHistogram(), 0.5, 0.99);
      Long np99 = atMost(q[1], t.getMaxMs());
      if (np99 != null) {
        p99 = p99 == null ? np99 : Math.max(p99, np99);
      }
      nodes.add(NodeVisibility.newBuilder()
          .setNodeIndex(i)
          .setNodeNames(List.copyOf(t.getNodeNames()))
          .setAcked(t.getAcked())
          .setVisible(t.getVisible())
          .setLost(t.getLost())
          .setRecovered(t.getRecovered())
          .setUnexpected(t.getUnexpected())
          .setIndeterminateApplied(t.getIndeterminateApplied())
          .setDuplicated(t.getDuplicated())
          .setUnreadableCycles(t.getUnreadableCycles())
          .setVisibleBy(List.copyOf(t.getVisibleBy()))
          .setP50Ms(atMost(q[0], t.getMaxMs()))
          .setP99Ms(np99)
          .setMaxMs(t.getMaxMs())
          .setLostByWindow(new TreeMap<>(t.getLostByWindow()))
          .setLostSample(List.copyOf(t.getLostSample()))
          .setRecoveredSample(List.copyOf(t.getRecoveredSample()))
          .setUnexpectedSample(List.copyOf(t.getUnexpectedSample()))
          .build());
    }
    List<WindowVisibility> windows = new ArrayList<>();
    for (int k = 0; k < WINDOWS.length; k++) {
      WindowTally w = book.getWindows().get(k);
      Long[] write = LatencyHistogram.quantiles(w.getWriteHistogram(), 0.5, 0.99);
      Long[] visible = LatencyHistogram.quantiles(w.getVisibilityHistogram(), 0.5, 0.99);
      windows.add(WindowVisibility.newBuilder()
          .setWindow(WINDOWS[k])
          .setAttempted(w.getAttempted())
          .setOk(w.getOk())
          .setAvailability(w.getAttempted() == 0 ? null
              : (double) w.getOk() / w.getAttempted())
          .setWriteP50Ms(write[0])
          .setWriteP99Ms(write[1])
          .setVisibilityP50Ms(visible[0])
          .setVisibilityP99Ms(visible[1])
          .setLost(w.getLost())
          .build());
    }
    Diagnosis d = diagnosis(book);
    return VisibilitySummary.newBuilder()
        .setCampaignId(campaign)
        .setFault(fault)
        .setCycles(book.getCycles())
        .setSeedSettleMs(seedSettle)
        .setTMs(T_MS)
        .setNodes(nodes)
        .setWindows(windows)
        .setP99Ms(p99)
        .setDiagnosis(d)
        .setDiagnosisText(DiagnosisText.of(d, nodes, seedSettle, p99))
        .setPending(pending)
        .setUpdatedAt(Instant.ofEpochMilli(book.getMaxEventTime()))
        .build();
  }

  static Diagnosis diagnosis(VisibilityBook book) {
    if (!book.getAnyIds()) {
      return Diagnosis.UNKNOWN;
    }
    long lost = 0;
    long recovered = 0;
    for (NodeTally t : book.getNodes()) {
      lost += t.getLost();
      recovered += t.getRecovered();
    }
    if (lost > 0) {
      return recovered > 0 ? Diagnosis.BOTH : Diagnosis.LOST;
    }
    return recovered > 0 ? Diagnosis.SLOW : Diagnosis.NONE;
  }

}
