package dev.shipgate.schemas;

import dev.shipgate.schemas.registry.SchemaRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Registers every topic's value schema under its TopicNameStrategy subject with BACKWARD
 * compatibility, so that a later incompatible change is refused by the registry.
 */
public final class SchemaBootstrap {
  private SchemaBootstrap() {}

  public static final String COMPATIBILITY = "BACKWARD";

  /** Returns subject → id for every topic. */
  public static Map<String, Integer> registerAll(SchemaRegistry registry) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (Topic<String, ? extends SpecificRecord> topic : Topics.all()) {
      Schema schema = SpecificData.get().getSchema(topic.valueClass());
      registry.setCompatibility(topic.valueSubject(), COMPATIBILITY);
      ids.put(topic.valueSubject(), registry.register(topic.valueSubject(), schema));
    }
    return ids;
  }
}
