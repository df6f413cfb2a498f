package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipgate.events.CheckResult;
import dev.shipgate.producer.importer.LocatedJson.Located;
import dev.shipgate.schemas.SeedJson;
import java.util.List;
import java.util.Set;

/**
 * Phase 3 of a run: one {@code phase3.migration} CheckResult with the source and destination
 * counts as metrics and the three reports (forward, idempotent, reverse) verbatim as details.
 */
final class Phase3Reader {
  private Phase3Reader() {}

  private static final Set<String> KEYS = Set.of("phase", "pass", "report_forward",
      "report_idempotent", "report_reverse", "src_count", "dst_count", "reasons");
  private static final List<String> REPORTS =
      List.of("report_forward", "report_idempotent", "report_reverse");

  static void read(RunImport run, PhaseSource src) {
    run.checkPhaseNumber(src, 3);
    Located obj = src.obj();
    CheckResult.Builder check = run.check(3, "phase3.migration", src);
    RunImport.putIfPresent(check.getMetrics(), "src_count",
        run.integerField(src, obj, "src_count"));
    RunImport.putIfPresent(check.getMetrics(), "dst_count",
        run.integerField(src, obj, "dst_count"));
    ObjectNode details = SeedJson.object();
    for (String report : REPORTS) {
      Located value = obj.child(report);
      if (value.node() == null) {
        continue;
      }
      if (!value.node().isObject()) {
        run.fieldError(src, value, report, "expected an object");
      }
      details.set(report, value.node());
    }
    check.setDetailsJson(SeedJson.compact(details));
    run.attachExtras(src, KEYS, List.of(check));
    run.add(check.build());
  }
}
