package dev.shipgate.producer.progress;

import dev.shipgate.events.WriteOutcome;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Progress on the console. On a terminal, one line rewritten with {@code \r}:
 * {@code cycle 3/10  partition_minority  ok 297 fail 3  bound 1 (live)}; otherwise one plain line
 * per cycle. The running ok/fail tallies are per fault class. The live bound is optional: it is
 * shown when {@code liveBound} (fault class → bound text, e.g. read from the fault-bounds topic)
 * has one.
 */
public final class ConsoleProgress implements ProgressListener {
  private final PrintStream out;
  private final boolean terminal;
  private final Function<String, String> liveBound;
  private final Map<String, int[]> tally = new ConcurrentHashMap<>();
  private volatile String fault = "";
  private volatile int cycle;
  private volatile int cycles;
  private volatile int lastLength;
  private volatile long lastDraw;

  public ConsoleProgress(PrintStream out, boolean terminal, Function<String, String> liveBound) {
    this.out = out;
    this.terminal = terminal;
    this.liveBound = liveBound == null ? f -> null : liveBound;
  }

  @Override
  public void phaseStarted(int phase) {
    line("phase " + phase + " started");
  }

  @Override
  public void cycleStarted(String fault, int cycle, int cycles) {
    this.fault = fault;
    this.cycle = cycle;
    this.cycles = cycles;
    draw(true);
  }

  @Override
  public void write(WriteOutcome outcome) {
    int[] t = tally.computeIfAbsent(fault, f -> new int[2]);
    synchronized (t) {
      t[outcome == WriteOutcome.OK ? 0 : 1]++;
    }
    draw(false);
  }

  @Override
  public void cycleFinished(CycleReport r) {
    if (terminal) {
      draw(true);
    } else {
      StringBuilder b = new StringBuilder("cycle " + r.cycle() + "/" + r.cycles() + "  "
          + r.fault() + "  ok " + r.ok() + " fail " + r.failed() + "  polls " + r.polls()
          + (r.converged() ? "  converged" : "  NOT converged"));
      r.missing().forEach((node, ids) -> {
        if (!ids.isEmpty()) {
          b.append("  ").append(node).append(" missing ").append(ids.size());
        }
      });
      if (r.faultAction() != null) {
        b.append("  fault ").append(r.faultAction());
      }
      String bound = liveBound.apply(r.fault());
      if (bound != null) {
        b.append("  bound so far ").append(bound).append(" (live, from Streams)");
      }
      out.println(b);
    }
  }

  @Override
  public void message(String line) {
    line(line);
  }

  @Override
  public void finished() {
    if (terminal && lastLength > 0) {
      out.println();
      lastLength = 0;
    }
  }

  private synchronized void line(String text) {
    if (terminal && lastLength > 0) {
      out.print("\r" + " ".repeat(lastLength) + "\r");
      lastLength = 0;
    }
    out.println(text);
  }

  private synchronized void draw(boolean force) {
    if (!terminal || fault.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int[] t = tally.getOrDefault(fault, new int[2]);
    String bound = liveBound.apply(fault);
    String text = "cycle " + cycle + "/" + cycles + "  " + fault + "  ok " + t[0] + " fail " + t[1]
        + (bound == null ? "" : "  bound " + bound + " (live)");
    String pad = text.length() < lastLength ? " ".repeat(lastLength - text.length()) : "";
    out.print("\r" + text + pad);
    out.flush();
    lastLength = text.length();
  }
}
