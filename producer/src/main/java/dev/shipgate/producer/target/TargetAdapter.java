package dev.shipgate.producer.target;

import dev.shipgate.producer.remote.Node;
import java.util.List;
import java.util.Optional;

/**
 * How the driver talks to one kind of replicated store: write a record, read what a node holds,
 * find the primary. Implementations are thread-safe (writes are concurrent) and never throw for
 * an answer the store gave: failures are outcomes.
 */
public interface TargetAdapter extends AutoCloseable {

  /** Name used in events and campaign files: etcd, redis, ai-memory. */
  String name();

  /**
   * Writes the record {@code writeId} under {@code namespace} (the cycle's isolation prefix,
   * e.g. {@code chaos-c7}) through {@code node}.
   */
  WriteAttempt write(Node node, String namespace, String writeId);

  /** What {@code node} holds under {@code namespace}, read locally on that node. */
  NodeState observe(Node node, String namespace);

  /** The node that currently leads (etcd leader, Redis primary), if it can be told. */
  Optional<Node> primary(List<Node> nodes);

  /** True when {@code node} answers its health endpoint. */
  boolean healthy(Node node);

  @Override
  default void close() {}
}
