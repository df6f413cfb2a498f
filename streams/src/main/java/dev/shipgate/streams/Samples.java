package dev.shipgate.streams;

import java.util.ArrayList;
import java.util.List;

/**
 * A class's sample of ids (lost, recovered, unexpected): the ids of its lowest cycles, as
 * {@code cycle/id}, up to a limit, in cycle order and, within a cycle, in the order its judgement
 * listed them. The same sample whatever order the cycles are folded in: one task folds a class's
 * cycles in cycle order, but cycles judged apart (at a campaign's end, or in other tasks) may come
 * in any order, and a replay must give the same final records.
 */
final class Samples {
  private Samples() {}

  /**
   * Whether ids of {@code cycle} could enter {@code sample}: it has room, or a higher cycle's ids
   * in it. False for the common case of a full sample folded in cycle order, so the caller can skip
   * building the cycle's list.
   */
  static boolean admits(List<String> sample, int cycle, int limit) {
    return sample.size() < limit || cycleOf(sample.get(sample.size() - 1)) > cycle;
  }

  /** {@code sample} with {@code ids} of {@code cycle} in their place, cut to {@code limit}. */
  static List<String> with(List<String> sample, int cycle, List<String> ids, int limit) {
    if (ids.isEmpty() || !admits(sample, cycle, limit)) {
      return sample;
    }
    // the first entry of a higher cycle: ids of the same cycle (not folded twice) stay before
    int at = sample.size();
    while (at > 0 && cycleOf(sample.get(at - 1)) > cycle) {
      at--;
    }
    List<String> out = new ArrayList<>(Math.min(limit, sample.size() + ids.size()));
    out.addAll(sample.subList(0, at));
    for (int i = 0; i < ids.size() && out.size() < limit; i++) {
      out.add(cycle + "/" + ids.get(i));
    }
    for (int i = at; i < sample.size() && out.size() < limit; i++) {
      out.add(sample.get(i));
    }
    return out;
  }

  /**
   * Two samples of different cycles as one: both in cycle order, the result too, cut to
   * {@code limit} ({@code sample}'s entries first where a cycle is in both, which a class's
   * cycles, each judged once, never are).
   */
  static List<String> merge(List<String> sample, List<String> more, int limit) {
    if (more.isEmpty() || !admits(sample, cycleOf(more.get(0)), limit)) {
      return sample;
    }
    List<String> out = new ArrayList<>(Math.min(limit, sample.size() + more.size()));
    int i = 0;
    int j = 0;
    while (out.size() < limit && (i < sample.size() || j < more.size())) {
      if (j >= more.size()
          || (i < sample.size() && cycleOf(sample.get(i)) <= cycleOf(more.get(j)))) {
        out.add(sample.get(i++));
      } else {
        out.add(more.get(j++));
      }
    }
    return out;
  }

  /** The cycle of a {@code cycle/id} entry. */
  static int cycleOf(String entry) {
    int slash = entry.indexOf('/');
    try {
      return Integer.parseInt(slash < 0 ? entry : entry.substring(0, slash));
    } catch (NumberFormatException e) {
      // not written by this class (never expected): before every cycle, so it stays first
      return Integer.MIN_VALUE;
    }
  }
}
