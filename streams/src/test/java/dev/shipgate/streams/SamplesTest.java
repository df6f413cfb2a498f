package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A class's id sample is the lowest cycles' ids, whatever order the cycles are folded in. */
class SamplesTest {

  /** The ids a cycle lists: some cycles none, the others a few, named by cycle and position. */
  private static List<String> idsOf(int cycle, Random random) {
    List<String> ids = new ArrayList<>();
    int n = cycle % 4 == 0 ? 0 : random.nextInt(7);
    for (int i = 0; i < n; i++) {
      ids.add("c" + cycle + "-w" + (n - i)); // not in text order: the cycle's order is kept
    }
    return ids;
  }

  @Test
  void shouldAppendInCycleOrderAsBeforeAndCutAtTheLimit() {
    List<String> sample = List.of();
    sample = Samples.with(sample, 1, List.of("x", "y"), 5);
    sample = Samples.with(sample, 2, List.of(), 5);
    sample = Samples.with(sample, 3, List.of("z", "w", "v", "u"), 5);
    assertEquals(List.of("1/x", "1/y", "3/z", "3/w", "3/v"), sample);
    // full, and a higher cycle: the same list, not a copy
    assertFalse(Samples.admits(sample, 4, 5));
    assertSame(sample, Samples.with(sample, 4, List.of("t"), 5));
    // a lower cycle folded late takes its place and pushes the highest out
    assertTrue(Samples.admits(sample, 2, 5));
    assertEquals(List.of("1/x", "1/y", "2/q", "3/z", "3/w"),
        Samples.with(sample, 2, List.of("q"), 5));
  }

  @Test
  void shouldGiveTheSameSampleInEveryFoldingOrder() {
    Random random = new Random(3);
    for (int round = 0; round < 200; round++) {
      int cycles = 1 + random.nextInt(40);
      int limit = 1 + random.nextInt(30);
      List<Integer> order = new ArrayList<>();
      List<List<String>> ids = new ArrayList<>();
      ids.add(List.of());
      for (int c = 1; c <= cycles; c++) {
        order.add(c);
        ids.add(idsOf(c, random));
      }
      // the reference: every cycle's ids in cycle order, the first `limit`
      List<String> expected = new ArrayList<>();
      for (int c = 1; c <= cycles; c++) {
        for (String id : ids.get(c)) {
          expected.add(c + "/" + id);
        }
      }
      expected = expected.subList(0, Math.min(limit, expected.size()));
      Collections.shuffle(order, random);
      List<String> sample = List.of();
      for (int c : order) {
        sample = Samples.with(sample, c, ids.get(c), limit);
      }
      assertEquals(expected, sample, "round " + round + ", cycles folded in " + order);
    }
  }

  @Test
  void shouldMergeSamplesOfOtherCyclesInAnyOrder() {
    Random random = new Random(5);
    for (int round = 0; round < 200; round++) {
      int cycles = 1 + random.nextInt(30);
      int limit = 1 + random.nextInt(25);
      // each cycle's own sample, as a contribution carries it, then merged in a random order
      List<List<String>> parts = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int c = 1; c <= cycles; c++) {
        List<String> ids = idsOf(c, random);
        parts.add(Samples.with(List.of(), c, ids, limit));
        for (String id : ids) {
          expected.add(c + "/" + id);
        }
      }
      Collections.shuffle(parts, random);
      // merged pairwise into bigger samples too, as two books of other cycles would be
      List<String> left = List.of();
      List<String> right = List.of();
      for (int i = 0; i < parts.size(); i++) {
        if (i % 2 == 0) {
          left = Samples.merge(left, parts.get(i), limit);
        } else {
          right = Samples.merge(right, parts.get(i), limit);
        }
      }
      expected.sort(java.util.Comparator.comparingInt(Samples::cycleOf));
      assertEquals(expected.subList(0, Math.min(limit, expected.size())),
          Samples.merge(left, right, limit), "round " + round);
    }
  }

  @Test
  void shouldReadTheCycleOfAnEntry() {
    assertEquals(12, Samples.cycleOf("12/c3-w5"));
    assertEquals(7, Samples.cycleOf("7/a/b"));
    assertEquals(Integer.MIN_VALUE, Samples.cycleOf("not-a-cycle/x"));
  }
}
