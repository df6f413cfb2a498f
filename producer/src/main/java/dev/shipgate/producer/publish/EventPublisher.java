package dev.shipgate.producer.publish;

import dev.shipgate.events.CampaignEvent;
import dev.shipgate.events.CheckResult;
import dev.shipgate.events.FaultEvent;
import dev.shipgate.events.Observation;
import dev.shipgate.events.WriteResult;
import dev.shipgate.results.DeadLetter;
import dev.shipgate.schemas.CampaignIds;
import dev.shipgate.schemas.EventKeys;
import dev.shipgate.schemas.Topic;
import dev.shipgate.schemas.Topics;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * Publishes shipgate's input events (and the importer's dead letters) to their topics in
 * {@link Topics}.
 *
 * <p>Contract:
 * <ul>
 *   <li>A phase 4 cycle's events (its writes, polls, fault events and {@code phase4.cycle}
 *       check) are keyed {@code <campaign>/<fault>/<cycle>}, so one cycle's events share a
 *       partition and keep their order while a campaign's cycles spread over the partitions;
 *       every other event is keyed by its campaign id ({@link EventKeys}). A {@link DeadLetter} is
 *       keyed by its campaign id when that id is valid, else by its {@code source_topic} (an
 *       invalid id is data, never a key anyone should trust).
 *   <li>The record timestamp is the event's {@code event_time}.
 *   <li>{@code publish} may be asynchronous. {@link #flush()} returns only when every event
 *       published so far is acknowledged, and throws {@link PublishException} if any of them
 *       failed: a lost event is never silent.
 *   <li>Implementations need not be thread-safe unless they say so.
 * </ul>
 */
public interface EventPublisher extends AutoCloseable {

  /**
   * Sends {@code value} to {@code topic} under {@code key} with record timestamp
   * {@code timestamp}. The typed {@code publish} methods derive key and timestamp and call this.
   *
   * @throws PublishException when the event cannot even be handed to the transport (for example
   *     its schema cannot be registered)
   */
  <V extends SpecificRecord> void send(Topic<String, V> topic, String key, V value,
      Instant timestamp);

  /** Waits for every event published so far; throws {@link PublishException} if any failed. */
  void flush();

  /** Flushes (with the same failure semantics) and releases resources. */
  @Override
  void close();

  default void publish(CampaignEvent event) {
    send(Topics.CAMPAIGNS, event.getCampaignId(), event, event.getEventTime());
  }

  default void publish(CheckResult check) {
    send(Topics.CHECKS, EventKeys.of(check), check, check.getEventTime());
  }

  default void publish(Observation observation) {
    send(Topics.OBSERVATIONS, EventKeys.of(observation), observation,
        observation.getEventTime());
  }

  default void publish(WriteResult write) {
    send(Topics.WRITES, EventKeys.of(write), write, write.getEventTime());
  }

  default void publish(FaultEvent fault) {
    send(Topics.FAULTS, EventKeys.of(fault), fault, fault.getEventTime());
  }

  default void publish(DeadLetter letter) {
    String key = CampaignIds.isValid(letter.getCampaignId())
        ? letter.getCampaignId() : letter.getSourceTopic();
    send(Topics.DEAD_LETTERS, key, letter, letter.getEventTime());
  }
}
