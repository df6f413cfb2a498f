package dev.shipgate.producer.importer;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CampaignEventType;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.NodeObservation;
import dev.shipgate.events.Observation;
import dev.shipgate.producer.publish.CapturingEventPublisher;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.Topics;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Test helper: runs an import into a capturing publisher and reads the events back. */
final class Imported {
  static final Instant IMPORT_TIME = Instant.parse("2026-06-01T09:00:00Z");

  final CapturingEventPublisher publisher = new CapturingEventPublisher();
  final ImportReport report;

  private Imported(Path path, ImportOptions options) {
    report = new ArtifactImporter(publisher, Clock.fixed(IMPORT_TIME, ZoneOffset.UTC))
        .importPath(path, options);
  }

  static Imported of(Path path) {
    return new Imported(path, ImportOptions.defaults());
  }

  static Imported of(Path path, ImportOptions options) {
    return new Imported(path, options);
  }

  /** A reference run copied from /work/shared/reference/shipgate-runs into the test resources. */
  static Path referenceRuns() {
    try {
      return Path.of(Objects.requireNonNull(Imported.class.getResource("/shipgate-runs")).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path reference(String run) {
    return referenceRuns().resolve(run);
  }

  /** The demo sample, samples/demo-campaign at the top of the repository. */
  static Path demoSample() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path sample = p.resolve("samples/demo-campaign");
      if (sample.toFile().isDirectory()) {
        return sample;
      }
    }
    throw new IllegalStateException("samples/demo-campaign not found above " + here);
  }

  List<CampaignEvent> campaignEvents() {
    return publisher.values(Topics.CAMPAIGNS);
  }

  CampaignEvent started() {
    return campaignEvents().stream().filter(e -> e.getType() == CampaignEventType.STARTED)
        .findFirst().orElseThrow();
  }

  CampaignEvent finished() {
    return campaignEvents().stream().filter(e -> e.getType() == CampaignEventType.FINISHED)
        .findFirst().orElseThrow();
  }

  List<CheckResult> checks() {
    return publisher.values(Topics.CHECKS);
  }

  List<CheckResult> checks(String kind) {
    return checks().stream().filter(c -> c.getCheck().equals(kind)).collect(Collectors.toList());
  }

  CheckResult check(String kind) {
    List<CheckResult> all = checks(kind);
    if (all.size() != 1) {
      throw new AssertionError("expected one " + kind + ", got " + all.size());
    }
    return all.get(0);
  }

  List<Observation> observations() {
    return publisher.values(Topics.OBSERVATIONS);
  }

  List<DeadLetter> deadLetters() {
    return publisher.values(Topics.DEAD_LETTERS);
  }

  /**
   * The seed's bound per fault computed from the published phase4.cycle checks and final
   * observations: floor(1000 × Σ min(nz(node1), nz(node2)) / Σ ok) / 1000, 1 when Σ ok = 0.
   */
  Map<String, String> measuredBounds() {
    Map<String, long[]> sums = new LinkedHashMap<>();
    for (CheckResult cycle : checks("phase4.cycle")) {
      Observation obs = observations().stream()
          .filter(o -> o.getFault().equals(cycle.getFault())
              && o.getCycle().equals(cycle.getCycle()) && o.getFinal$())
          .findFirst().orElseThrow();
      long[] s = sums.computeIfAbsent(cycle.getFault(), f -> new long[2]);
      s[0] += cycle.getMetrics().get("ok");
      long min = Math.min(nz(obs.getNodes().get(1)), nz(obs.getNodes().get(2)));
      Long writes = cycle.getMetrics().get("writes");
      s[1] += writes == null ? min : Math.min(min, writes); // a node counts at most the writes
    }
    Map<String, String> bounds = new LinkedHashMap<>();
    sums.forEach((fault, s) -> bounds.put(fault, s[0] == 0 ? "1"
        : BigDecimal.valueOf(1000 * s[1] / s[0], 3).stripTrailingZeros().toPlainString()));
    return bounds;
  }

  private static long nz(NodeObservation node) {
    return node.getCount() == null ? 0 : node.getCount();
  }
}
