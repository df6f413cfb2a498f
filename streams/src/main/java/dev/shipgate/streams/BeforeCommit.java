package dev.shipgate.streams;

import java.util.List;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;

/**
 * Work a task's processor (a campaign judge, a cycle task) does just before each commit: run at
 * the start of the flush of the task's write-back stores ({@link WriteBackStore#beforeFlush}),
 * before any of them writes out what is pending, with the processor's node as the current node (as
 * Kafka Streams' record cache does when it forwards on a flush), so that what the work forwards
 * goes to the processor's sink and what it puts is in that commit's transaction. The work runs
 * once per write-back store flushed: work done once per commit is a no-op the second time.
 */
final class BeforeCommit {
  private BeforeCommit() {}

  /**
   * Installs {@code work} on every one of {@code writeBacks} (write-back stores), from a
   * processor's {@code init}.
   *
   * @return false when {@code context} is not a running task's (a unit test's mock context): then
   *     nothing runs before commits
   */
  static boolean install(ProcessorContext<?, ?> context, List<StateStore> writeBacks,
      Runnable work) {
    if (!(context instanceof InternalProcessorContext<?, ?> internal)
        || internal.currentNode() == null) {
      return false;
    }
    ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
    Runnable hook = () -> {
      ProcessorNode<?, ?, ?, ?> previous = internal.currentNode();
      internal.setCurrentNode(node);
      try {
        work.run();
      } finally {
        internal.setCurrentNode(previous);
      }
    };
    boolean installed = true;
    for (StateStore store : writeBacks) {
      installed &= WriteBackStore.beforeFlush(store, hook);
    }
    return installed;
  }
}
