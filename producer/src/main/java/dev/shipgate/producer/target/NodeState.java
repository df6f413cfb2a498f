package dev.shipgate.producer.target;

import java.util.List;

/**
 * What one node holds under a cycle's key prefix, read locally on that node (no quorum read).
 *
 * @param count number of records, null when unreadable
 * @param ids write ids held, null when the target cannot list them or the node is unreadable
 * @param error why it could not be read, null when readable
 */
public record NodeState(Long count, List<String> ids, String error) {

  public static NodeState unreadable(String error) {
    return new NodeState(null, null, error);
  }
}
