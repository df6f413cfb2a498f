package dev.shipgate.streams;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class LiveCommitsTest {

  @Test
  void shouldAskForACommitOnlyForEvidenceYoungerThanASecond() {
    MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(100_000);
    LiveCommits commits = new LiveCommits(context);

    commits.judged(100_000 - LiveCommits.LIVE_MS); // a second old: a backlog
    assertFalse(context.committed());
    commits.judged(40_000); // an import of yesterday's run
    assertFalse(context.committed());

    commits.judged(99_950);
    assertTrue(context.committed());
    context.resetCommit();
    commits.judged(100_500); // a driver whose clock runs ahead of this host's
    assertTrue(context.committed());
  }
}
