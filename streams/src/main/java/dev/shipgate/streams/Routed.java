package dev.shipgate.streams;

/**
 * A decoded event with what it does to the processor that handles it ({@code T}: the campaign
 * judge's {@link Evidence} or a cycle task's {@link CycleTask}): after decoding, every topic's
 * events are typed, and one processor takes several topics without asking what each record is.
 */
record Routed<T, V>(Routed.Handler<T, V> handler, V value) {

  /** What an event of one topic does to its handler. */
  @FunctionalInterface
  interface Handler<T, V> {
    void handle(T target, V value, long timestamp);
  }

  void applyTo(T target, long timestamp) {
    handler.handle(target, value, timestamp);
  }
}
