package dev.shipgate.sink;

import dev.shipgate.events.WriteOutcome;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.Diagnosis;
import dev.shipgate.results.NodeVisibility;
import dev.shipgate.results.VisibilitySummary;
import dev.shipgate.results.WindowVisibility;
import dev.shipgate.results.WritePoint;
import dev.shipgate.results.WriteWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The page's "slow or lost" block of one fault class: the diagnosis, a table per node, and three
 * inline SVG charts drawn from shapes the template escapes like any other value: the visibility
 * CDF per node with the seed's settle point marked, the writes of the first cycles on a timeline
 * (issue time against time to visibility, the fault window shaded, lost writes marked) and
 * availability per write window.
 */
final class VisibilityView {
  private VisibilityView() {}

  /** Writes drawn on a class's timeline at most. */
  static final int MAX_POINTS = 600;

  private static final int W = 760;
  private static final int H = 220;
  private static final int LEFT = 56;
  private static final int RIGHT = 110;
  private static final int TOP = 14;
  private static final int BOTTOM = 34;

  public record View(String diagnosis, String diagnosisCls, String text, List<NodeRow> nodes,
      List<WindowRow> windows, List<Svg> svgs, boolean pending) {}

  public record NodeRow(String node, String acked, String lost, String recovered,
      String unexpected, String duplicated, String p50, String p99, String max,
      String unreadable) {}

  public record WindowRow(String window, String attempted, String ok, String availability,
      String writeP50, String writeP99, String visibilityP99, String lost) {}

  /** A chart: a caption and shapes, every attribute a plain (escaped) string. */
  public record Svg(int width, int height, String label, String caption, List<Shape> shapes) {}

  public record Shape(boolean line, boolean poly, boolean rect, boolean text, boolean circle,
      String x1, String y1, String x2, String y2, String points, String x, String y, String w,
      String h, String cls, String tip, String content, String anchor) {

    static Shape line(double x1, double y1, double x2, double y2, String cls, String tip) {
      return new Shape(true, false, false, false, false, f(x1), f(y1), f(x2), f(y2), "", "", "",
          "", "", cls, tip, "", "");
    }

    static Shape poly(String points, String cls, String tip) {
      return new Shape(false, true, false, false, false, "", "", "", "", points, "", "", "", "",
          cls, tip, "", "");
    }

    static Shape rect(double x, double y, double w, double h, String cls, String tip) {
      return new Shape(false, false, true, false, false, "", "", "", "", "", f(x), f(y), f(w),
          f(h), cls, tip, "", "");
    }

    static Shape text(double x, double y, String content, String anchor, String cls) {
      return new Shape(false, false, false, true, false, "", "", "", "", "", f(x), f(y), "", "",
          cls, "", content, anchor);
    }

    static Shape circle(double x, double y, String cls, String tip) {
      return new Shape(false, false, false, false, true, "", "", "", "", "", f(x), f(y), "", "",
          cls, tip, "", "");
    }
  }

  static View of(VisibilitySummary v, List<CycleConvergence> cycles) {
    List<NodeRow> nodes = new ArrayList<>();
    for (NodeVisibility n : v.getNodes()) {
      nodes.add(new NodeRow(nodeName(n), String.valueOf(n.getAcked()), String.valueOf(n.getLost()),
          String.valueOf(n.getRecovered()), String.valueOf(n.getUnexpected())
              + (n.getIndeterminateApplied() > 0 ? " (" + n.getIndeterminateApplied()
                  + " indeterminate)" : ""),
          String.valueOf(n.getDuplicated()), ms(n.getP50Ms()), ms(n.getP99Ms()),
          ms(n.getMaxMs()), String.valueOf(n.getUnreadableCycles())));
    }
    List<WindowRow> windows = new ArrayList<>();
    for (WindowVisibility w : v.getWindows()) {
      if (w.getAttempted() == 0) {
        continue;
      }
      windows.add(new WindowRow(windowName(w.getWindow()), String.valueOf(w.getAttempted()),
          String.valueOf(w.getOk()), w.getAvailability() == null ? "—"
              : String.format(Locale.ROOT, "%.1f %%", 100 * w.getAvailability()),
          ms(w.getWriteP50Ms()), ms(w.getWriteP99Ms()), ms(w.getVisibilityP99Ms()),
          String.valueOf(w.getLost())));
    }
    List<Svg> svgs = new ArrayList<>();
    svgs.add(cdf(v));
    Svg timeline = timeline(v, cycles);
    if (timeline != null) {
      svgs.add(timeline);
    }
    svgs.add(availability(v));
    Diagnosis d = v.getDiagnosis();
    String cls = switch (d) {
      case NONE -> "pass";
      case SLOW -> "warn";
      case LOST, BOTH -> "fail";
      case UNKNOWN -> "none";
    };
    return new View(d.name(), cls, v.getDiagnosisText(), nodes, windows, svgs, v.getPending());
  }

  // --------------------------------------------------------------------------- P(visible by t)

  /** x: t on a log scale (0 at the left edge), y: the share of acknowledged writes visible. */
  static Svg cdf(VisibilitySummary v) {
    List<Long> ts = v.getTMs();
    long maxT = ts.get(ts.size() - 1);
    double plotW = W - LEFT - RIGHT;
    double plotH = H - TOP - BOTTOM;
    List<Shape> shapes = new ArrayList<>();
    for (double p : new double[] {0, 0.5, 0.9, 1}) {
      double y = TOP + plotH - p * plotH;
      shapes.add(Shape.line(LEFT, y, LEFT + plotW, y, "grid", ""));
      shapes.add(Shape.text(LEFT - 6, y + 4, String.format(Locale.ROOT, "%.1f", p), "end", ""));
    }
    for (long t : ts) {
      double x = xLog(t, maxT, plotW);
      shapes.add(Shape.line(x, TOP + plotH, x, TOP + plotH + 4, "axis", ""));
      shapes.add(Shape.text(x, TOP + plotH + 16, ms(t), "middle", ""));
    }
    shapes.add(Shape.text(LEFT + plotW / 2, H - 4, "time from acknowledgement to visibility"
        + " (log scale)", "middle", ""));
    shapes.add(Shape.line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "axis", ""));
    if (v.getSeedSettleMs() != null) {
      double x = xLog(v.getSeedSettleMs(), maxT, plotW);
      shapes.add(Shape.line(x, TOP, x, TOP + plotH, "thr", "the seed's settle point: "
          + ms(v.getSeedSettleMs()) + " after the last answer (the bound counts here)"));
      shapes.add(Shape.text(x + 3, TOP + 10, "seed settle", "start", "thr"));
    }
    int legend = 0;
    for (NodeVisibility n : v.getNodes()) {
      if (n.getAcked() == 0) {
        continue;
      }
      StringBuilder pts = new StringBuilder();
      double lastY = TOP + plotH;
      for (int k = 0; k < ts.size(); k++) {
        double share = (double) n.getVisibleBy().get(k) / n.getAcked();
        double x = xLog(ts.get(k), maxT, plotW);
        double y = TOP + plotH - share * plotH;
        // a step: the share holds from t_k until t_k+1
        if (k > 0) {
          pts.append(f(x)).append(',').append(f(lastY)).append(' ');
        }
        pts.append(f(x)).append(',').append(f(y)).append(' ');
        lastY = y;
      }
      String cls = "n" + Math.min(n.getNodeIndex(), 3);
      String tip = nodeName(n) + ": " + n.getVisible() + " of " + n.getAcked()
          + " acknowledged writes visible by the end, p99 " + ms(n.getP99Ms()) + ", lost "
          + n.getLost();
      shapes.add(Shape.poly(pts.toString().trim(), cls, tip));
      double ly = TOP + 12 + 16 * legend++;
      shapes.add(Shape.line(W - RIGHT + 10, ly - 4, W - RIGHT + 28, ly - 4, cls, tip));
      shapes.add(Shape.text(W - RIGHT + 32, ly, shortNode(n), "start", ""));
    }
    return new Svg(W, H, "P(visible by t) per node for " + v.getFault(),
        "P(visible by t): the share of acknowledged writes each node showed within t of the"
            + " acknowledgement, at t = " + String.join(", ", ts.stream().map(VisibilityView::ms)
                .toList()) + "; writes never seen keep a line below 1.", shapes);
  }

  private static double xLog(long t, long maxT, double plotW) {
    return LEFT + Math.log10(1 + t) / Math.log10(1 + maxT) * plotW;
  }

  // --------------------------------------------------------------------------- the timeline

  /**
   * The first cycles' writes: x their issue time from the cycle's first write, y the time until
   * every readable node showed them (log scale); lost writes on the top line; the fault window
   * shaded from the median injection to the median heal.
   */
  static Svg timeline(VisibilitySummary v, List<CycleConvergence> cycles) {
    List<double[]> pts = new ArrayList<>();
    List<Long> injected = new ArrayList<>();
    List<Long> healed = new ArrayList<>();
    long maxX = 1;
    long maxY = 1;
    int drawnCycles = 0;
    for (CycleConvergence c : cycles) {
      if (c.getPoints().isEmpty() || pts.size() >= MAX_POINTS) {
        continue;
      }
      drawnCycles++;
      boolean[] readable = readable(c);
      long start = Long.MAX_VALUE;
      for (WritePoint p : c.getPoints()) {
        start = Math.min(start, p.getIssuedAt());
      }
      Long firstDuring = null;
      Long firstPost = null;
      for (WritePoint p : c.getPoints()) {
        long x = p.getIssuedAt() - start;
        if (p.getWindow() == WriteWindow.DURING_FAULT) {
          firstDuring = firstDuring == null ? x : Math.min(firstDuring, x);
        } else if (p.getWindow() == WriteWindow.POST_HEAL) {
          firstPost = firstPost == null ? x : Math.min(firstPost, x);
        }
        if (pts.size() >= MAX_POINTS) {
          continue;
        }
        boolean acked = p.getOutcome() == WriteOutcome.OK;
        long worst = 0;
        boolean lost = false;
        boolean any = false;
        for (int i = 0; i < p.getVisibleMs().size(); i++) {
          if (i >= readable.length || !readable[i]) {
            continue;
          }
          any = true;
          if (!p.getHeldAtEnd().get(i)) {
            lost = true;
          } else if (p.getVisibleMs().get(i) != null) {
            worst = Math.max(worst, p.getVisibleMs().get(i));
          }
        }
        if (!any) {
          continue;
        }
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, worst);
        pts.add(new double[] {x, worst, acked ? (lost ? 2 : 1) : 0, c.getCycle(),
            p.getLatencyMs() == null ? -1 : p.getLatencyMs()});
      }
      if (firstDuring != null) {
        injected.add(firstDuring);
        healed.add(firstPost != null ? firstPost : maxX);
      }
    }
    if (pts.isEmpty()) {
      return null;
    }
    double plotW = W - LEFT - RIGHT;
    double plotH = H - TOP - BOTTOM;
    List<Shape> shapes = new ArrayList<>();
    if (!injected.isEmpty()) {
      double x0 = LEFT + median(injected) / (double) maxX * plotW;
      double x1 = LEFT + Math.min(maxX, median(healed)) / (double) maxX * plotW;
      shapes.add(Shape.rect(x0, TOP, Math.max(1, x1 - x0), plotH, "window",
          "the fault window (median over the cycles drawn): writes issued here ran during the"
              + " fault"));
      shapes.add(Shape.text(x0 + 3, TOP + 10, "fault", "start", "thr"));
    }
    // the y scale ends at the first tick at or above the slowest write; lost writes sit on a line
    // of their own above it
    long[] ticks = {0, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000};
    long top = ticks[ticks.length - 1];
    for (long tick : ticks) {
      if (tick >= maxY && tick > 0) {
        top = tick;
        break;
      }
    }
    for (long tick : ticks) {
      if (tick > top) {
        break;
      }
      double y = yLog(tick, top, plotH);
      shapes.add(Shape.line(LEFT, y, LEFT + plotW, y, "grid", ""));
      shapes.add(Shape.text(LEFT - 6, y + 4, ms(tick), "end", ""));
    }
    shapes.add(Shape.line(LEFT, TOP + 4, LEFT + plotW, TOP + 4, "lostline", ""));
    shapes.add(Shape.text(LEFT - 6, TOP + 8, "lost", "end", "lostlabel"));
    shapes.add(Shape.line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "axis", ""));
    for (double[] p : pts) {
      double x = LEFT + p[0] / maxX * plotW;
      boolean lost = p[2] == 2;
      double y = lost ? TOP + 4 : yLog((long) p[1], top, plotH);
      String cls = lost ? "lost" : p[2] == 0 ? "unacked" : "seen";
      String tip = "c" + (int) p[3] + " +" + ms((long) p[0])
          + (p[2] == 0 ? " not acked" : "")
          + (lost ? " lost" : " visible in " + ms((long) p[1]));
      shapes.add(Shape.circle(x, y, cls, tip));
    }
    shapes.add(Shape.text(LEFT, H - 4, "issue time from the cycle's first write →", "start",
        ""));
    shapes.add(Shape.text(LEFT + plotW, H - 4, "+" + ms(maxX), "end", ""));
    shapes.add(Shape.circle(W - RIGHT + 14, TOP + 8, "seen", ""));
    shapes.add(Shape.text(W - RIGHT + 22, TOP + 12, "acknowledged", "start", ""));
    shapes.add(Shape.circle(W - RIGHT + 14, TOP + 24, "unacked", ""));
    shapes.add(Shape.text(W - RIGHT + 22, TOP + 28, "not acked", "start", ""));
    shapes.add(Shape.circle(W - RIGHT + 14, TOP + 40, "lost", ""));
    shapes.add(Shape.text(W - RIGHT + 22, TOP + 44, "lost", "start", ""));
    return new Svg(W, H, "writes against the fault window for " + v.getFault(),
        "Each write of the first " + drawnCycles + " cycle(s) (" + pts.size() + " writes): when it"
            + " was issued in its cycle, and how long until every readable node showed it (log"
            + " scale); lost writes on the top line. The shaded band is the fault.", shapes);
  }

  /**
   * Per node index, whether the cycle's final poll read it: a node holding none of the cycle's
   * writes at the end is taken as unreadable (the point lists no error; the lost lists do).
   */
  private static boolean[] readable(CycleConvergence c) {
    int width = c.getPoints().get(0).getHeldAtEnd().size();
    boolean[] out = new boolean[width];
    for (WritePoint p : c.getPoints()) {
      for (int i = 0; i < width && i < p.getHeldAtEnd().size(); i++) {
        out[i] |= p.getHeldAtEnd().get(i);
      }
    }
    return out;
  }

  /** y of {@code v} on a log scale from 0 (the axis) to {@code top}, below the lost line. */
  private static double yLog(long v, long top, double plotH) {
    return TOP + plotH - Math.log10(1 + v) / Math.log10(1 + Math.max(top, 10)) * (plotH - 16);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(Long::compare);
    return sorted.get(sorted.size() / 2);
  }

  // --------------------------------------------------------------------------- availability

  static Svg availability(VisibilitySummary v) {
    int h = 150;
    double plotH = h - TOP - BOTTOM;
    List<WindowVisibility> windows = v.getWindows().stream().filter(w -> w.getAttempted() > 0)
        .toList();
    List<Shape> shapes = new ArrayList<>();
    for (double p : new double[] {0, 0.5, 1}) {
      double y = TOP + plotH - p * plotH;
      shapes.add(Shape.line(LEFT, y, LEFT + 3 * 150.0, y, "grid", ""));
      shapes.add(Shape.text(LEFT - 6, y + 4, String.format(Locale.ROOT, "%.1f", p), "end", ""));
    }
    int i = 0;
    for (WindowVisibility w : windows) {
      double share = w.getAvailability() == null ? 0 : w.getAvailability();
      double x = LEFT + 20 + i * 150;
      double bh = Math.max(share * plotH, share > 0 ? 1 : 0);
      String tip = windowName(w.getWindow()) + ": " + w.getOk() + " of " + w.getAttempted()
          + " writes acknowledged, write p99 " + ms(w.getWriteP99Ms());
      shapes.add(Shape.rect(x, TOP + plotH - bh, 100, bh,
          share >= 0.995 ? "pass" : share >= 0.5 ? "warn" : "fail", tip));
      shapes.add(Shape.text(x + 50, TOP + plotH - bh - 4, w.getOk() + " / " + w.getAttempted(),
          "middle", ""));
      shapes.add(Shape.text(x + 50, TOP + plotH + 16, windowName(w.getWindow()), "middle", ""));
      i++;
    }
    shapes.add(Shape.line(LEFT, TOP + plotH, LEFT + 3 * 150.0, TOP + plotH, "axis", ""));
    return new Svg(W, h, "availability per write window for " + v.getFault(),
        "Availability (acknowledged / attempted) of the writes issued before the fault, during"
            + " it and after the heal.", shapes);
  }

  // --------------------------------------------------------------------------- text

  static String windowName(WriteWindow w) {
    return switch (w) {
      case PRE_FAULT -> "before the fault";
      case DURING_FAULT -> "during the fault";
      case POST_HEAL -> "after the heal";
      case UNKNOWN -> "window unknown";
    };
  }

  private static String nodeName(NodeVisibility n) {
    String role = n.getNodeIndex() == 0 ? "node0 (the cycle's primary)" : "node" + n.getNodeIndex()
        + " (peer)";
    return n.getNodeNames().isEmpty() ? role : role + ": " + String.join(", ", n.getNodeNames());
  }

  private static String shortNode(NodeVisibility n) {
    return "node" + n.getNodeIndex() + (n.getNodeNames().size() == 1 ? " " + n.getNodeNames()
        .get(0) : "");
  }

  static String ms(Long v) {
    if (v == null) {
      return "—";
    }
    if (v < 1000) {
      return v + " ms";
    }
    return v % 1000 == 0 ? v / 1000 + " s" : String.format(Locale.ROOT, "%.2f s", v / 1000.0);
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
