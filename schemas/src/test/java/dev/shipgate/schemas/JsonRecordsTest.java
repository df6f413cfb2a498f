package dev.shipgate.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shipgate.results.BoundSource;
import dev.shipgate.results.CampaignState;
import dev.shipgate.results.CampaignVerdict;
import dev.shipgate.results.CycleConvergence;
import dev.shipgate.results.FaultBound;
import dev.shipgate.results.PhaseSummary;
import dev.shipgate.results.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records as plain JSON and back. */
class JsonRecordsTest {

  static CampaignVerdict verdict() {
    return CampaignVerdict.newBuilder().setCampaignId("demo-1").setState(CampaignState.FINISHING)
        .setVerdict(Verdict.PENDING).setOverallPass(false).setTargetName("etcd")
        .setTargetVersion(null).setTargetRef(null).setCompletedAt(null)
        .setPhases(List.of(PhaseSummary.newBuilder().setPhase(1).setNode("a")
            .setVerdict(Verdict.PASS).setReasons(List.of()).build()))
        .setReasons(List.of("phase 4: waiting for 3 observations"))
        .setSummaryJson("{\"overall_pass\": false}")
        .setUpdatedAt(Instant.parse("2026-12-01T10:00:00.123Z")).build();
  }

  @Test
  void shouldWriteNullableFieldsAsTheirValueEnumsAsNamesAndInstantsAsIso() {
    String json = JsonRecords.text(JsonRecords.toJson(verdict()));
    assertEquals("{\"campaign_id\":\"demo-1\",\"state\":\"FINISHING\",\"verdict\":\"PENDING\","
        + "\"overall_pass\":false,\"target_name\":\"etcd\",\"target_version\":null,"
        + "\"target_ref\":null,\"completed_at\":null,\"started_at\":null,\"wall_seconds\":null,"
        + "\"phases\":[{\"phase\":1,\"node\":\"a\","
        + "\"verdict\":\"PASS\",\"reasons\":[]}],\"reasons\":[\"phase 4: waiting for 3"
        + " observations\"],\"summary_json\":\"{\\\"overall_pass\\\": false}\","
        + "\"updated_at\":\"2026-12-01T10:00:00.123Z\"}", json);
  }

  @Test
  void shouldReadBackWhatItWrote() {
    CampaignVerdict v = verdict();
    assertEquals(v, JsonRecords.fromJson(JsonRecords.parse(JsonRecords.text(
        JsonRecords.toJson(v))), CampaignVerdict.class));
    FaultBound b = FaultBound.newBuilder().setCampaignId("demo-1").setFault("kill")
        .setSource(BoundSource.MEASURED).setCycles(6).setWritesPerCycle(170).setSumOk(978L)
        .setSumMinPeer(978L).setBound("1").setBoundThousandths(1000).setThreshold("0.995")
        .setWilsonLower(0.9961).setLostWrites(0L).setLostIdsSample(List.of())
        .setUnacknowledgedApplied(0).setForeignRecords(0).setBoundNote(null).setSeedPass(true)
        .setVerdict(Verdict.PASS).setReason(null).setUpdatedAt(Instant.EPOCH).build();
    assertEquals(b, JsonRecords.fromJson(JsonRecords.toJson(b), FaultBound.class));
    CycleConvergence cc = CycleConvergence.newBuilder().setCampaignId("c").setFault("f")
        .setCycle(1).setWrites(2).setOk(2).setQuorumNotMet(0).setFail(0).setIndeterminate(0)
        .setNodeCounts(List.of("2", "1")).setMinPeer(1)
        .setLostIds(Map.of("c", List.of("w-2"))).setUnacknowledgedApplied(0)
        .setForeignRecords(0).setObserved(true).setUpdatedAt(Instant.EPOCH).build();
    assertEquals(cc, JsonRecords.fromJson(JsonRecords.toJson(cc), CycleConvergence.class));
  }

  @Test
  void shouldNameTheFieldAndTheValueThatDoNotFit() {
    var json = JsonRecords.toJson(verdict());
    json.put("verdict", "GREEN");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JsonRecords.fromJson(json, CampaignVerdict.class));
    assertEquals("CampaignVerdict.verdict: expected one of [PASS, FAIL, NOT_RUN, INCOMPLETE,"
        + " INCONCLUSIVE, PENDING], got \"GREEN\"", e.getMessage());
    json.put("verdict", "PASS");
    ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("phases").get(0)).put("phase", "1");
    e = assertThrows(IllegalArgumentException.class,
        () -> JsonRecords.fromJson(json, CampaignVerdict.class));
    assertEquals("CampaignVerdict.phases[0].phase: expected an int, got \"1\"", e.getMessage());
  }
}
