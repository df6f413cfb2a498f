package dev.shipgate.producer.importer;

import dev.shipgate.schemas.Topic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did: events published per topic, the campaigns imported, one-line errors
 * ({@code file:line: field "x": ...}) for everything refused, and notes (facts worth knowing that
 * are not errors, e.g. that the import time stood in for a missing completed_at).
 */
public final class ImportReport {
  private final Map<String, Long> eventsByTopic = new LinkedHashMap<>();
  private final List<String> campaignIds = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  ImportReport() {}

  void countEvent(String topic) {
    eventsByTopic.merge(topic, 1L, Long::sum);
  }

  void addCampaign(String id) {
    if (!campaignIds.contains(id)) {
      campaignIds.add(id);
    }
  }

  void addError(String error) {
    errors.add(error);
  }

  void addNote(String note) {
    notes.add(note);
  }

  /** Events published, by topic name, in first-published order. */
  public Map<String, Long> eventsByTopic() {
    return Collections.unmodifiableMap(eventsByTopic);
  }

  /** Events published to {@code topic}. */
  public long events(Topic<?, ?> topic) {
    return eventsByTopic.getOrDefault(topic.name(), 0L);
  }

  public long totalEvents() {
    return eventsByTopic.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Campaign ids with events published, in import order. */
  public List<String> campaignIds() {
    return Collections.unmodifiableList(campaignIds);
  }

  /** One line each; non-empty means the CLI exits 2. */
  public List<String> errors() {
    return Collections.unmodifiableList(errors);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }

  @Override
  public String toString() {
    return "ImportReport{campaigns=" + campaignIds + ", events=" + eventsByTopic + ", errors="
        + errors.size() + ", notes=" + notes.size() + "}";
  }
}
