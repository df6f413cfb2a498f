package dev.shipgate.producer.importer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One valid line of the original per-cycle JSONL ({@code run-chaos.sh}):
 * {@code {"cycle":1,"fault":"partition_minority","writes":100,"ok":97,"quorum_not_met":0,
 * "fail":3,"count_node0":"97","count_node1":"20","count_node2":"20"}}.
 *
 * @param file file name (for event ids)
 * @param display file as shown in messages
 * @param line 1-based line number
 * @param text the line as read
 * @param writes null when absent (also {@code quorumNotMet}, {@code fail})
 * @param counts per node index, at least three; a missing count is {@code Count(null, null)}
 * @param extra keys the seed did not write, in their order (empty when none)
 */
record CycleLine(String file, String display, int line, String text, String fault, int cycle,
    Long writes, long ok, Long quorumNotMet, Long fail, List<Count> counts, ObjectNode extra) {

  /**
   * A node's count as written ({@code raw}: {@code "97"}, {@code "ERR"}, or null when absent) and
   * as a number (null when absent or not numeric: the seed's {@code nz} makes that 0).
   */
  record Count(String raw, Long value) {}
}
