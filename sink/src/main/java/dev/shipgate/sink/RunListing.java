package dev.shipgate.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipgate.results.Verdict;
import dev.shipgate.schemas.SeedJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line of {@code runs/index.html}, read back from a run directory: shipgate's own
 * {@code shipgate-verdict.json} when present, else the seed's {@code campaign-summary.json}
 * (a directory copied in from the original tool), whose {@code overall_pass} is shown but never
 * taken as shipgate's verdict.
 */
record RunListing(String campaignId, String href, Verdict verdict, String verdictNote,
    String state, String targetName, String targetVersion, String targetRef,
    String completedAt, String updatedAt,
    Map<String, Verdict> phaseVerdicts, Instant sortTime) {

  private static final Logger LOG = LoggerFactory.getLogger(RunListing.class);

  static RunListing read(Path dir) {
    String id = dir.getFileName().toString();
    Path verdictFile = dir.resolve(RunArtifactsWriter.VERDICT_FILE);
    Path summaryFile = dir.resolve(RunArtifactsWriter.SUMMARY_FILE);
    Path page = dir.resolve(RunArtifactsWriter.PAGE_FILE);
    String href = Files.isRegularFile(page) ? id + "/" + RunArtifactsWriter.PAGE_FILE
        : Files.isRegularFile(summaryFile) ? id + "/" + RunArtifactsWriter.SUMMARY_FILE : id + "/";
    try {
      if (Files.isRegularFile(verdictFile)) {
        JsonNode v = SeedJson.parse(Files.readString(verdictFile));
        Map<String, Verdict> phases = new LinkedHashMap<>();
        Map<String, List<Verdict>> byPhase = new LinkedHashMap<>();
        for (JsonNode p : v.path("phases")) {
          byPhase.computeIfAbsent(p.path("phase").asText(), k -> new ArrayList<>())
              .add(Verdicts.parse(p.path("verdict").asText()));
        }
        byPhase.forEach((phase, verdicts) -> phases.put(phase, Verdicts.worst(verdicts)));
        String completed = text(v, "completed_at");
        String updated = text(v, "updated_at");
        return new RunListing(id, href, Verdicts.parse(text(v, "verdict")), null,
            text(v, "state"), text(v, "target_name"), text(v, "target_version"),
            text(v, "target_ref"), completed, updated, phases,
            sortTime(completed, updated, verdictFile));
      }
      if (Files.isRegularFile(summaryFile)) {
        JsonNode s = SeedJson.parse(Files.readString(summaryFile));
        String completed = text(s, "completed_at");
        String note = "the original tool said overall_pass "
            + s.path("overall_pass").asText("(missing)") + "; shipgate has not judged it";
        return new RunListing(id, href, null, note, null, null, null,
            text(s, "ai_memory_git_ref"), completed, null, Map.of(),
            sortTime(completed, null, summaryFile));
      }
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("run directory {} not listed: {}", dir, e.getMessage());
    }
    return null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant sortTime(String completed, String updated, Path file) throws IOException {
    for (String t : new String[] {completed, updated}) {
      if (t != null) {
        try {
          return Instant.parse(t);
        } catch (DateTimeParseException e) {
          // fall through to the next candidate
        }
      }
    }
    return Files.getLastModifiedTime(file).toInstant();
  }
}
