package dev.shipgate.producer.progress;

import dev.shipgate.events.WriteOutcome;

/** Hears what the campaign runner is doing, to show progress. Called from several threads. */
public interface ProgressListener {

  ProgressListener NONE = new ProgressListener() {};

  default void phaseStarted(int phase) {}

  default void cycleStarted(String fault, int cycle, int cycles) {}

  default void write(WriteOutcome outcome) {}

  default void cycleFinished(CycleReport report) {}

  /** A notable event (a warning, a probe result). */
  default void message(String line) {}

  default void finished() {}
}
