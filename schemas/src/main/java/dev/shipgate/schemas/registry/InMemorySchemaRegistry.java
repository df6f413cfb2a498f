package dev.shipgate.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry held in memory, for unit tests (TopologyTestDriver) and offline tools. It assigns
 * ids like a real registry and enforces BACKWARD compatibility when a subject is set to it; it is
 * never what an integration test claims to exercise.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<String, List<Integer>> versions = new HashMap<>();
  private final Map<String, String> compatibility = new HashMap<>();
  private int nextId = 1;

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> ids = versions.computeIfAbsent(subject, s -> new ArrayList<>());
    for (int id : ids) {
      if (byId.get(id).equals(schema)) {
        return id;
      }
    }
    if (!ids.isEmpty() && !isCompatible(subject, schema)) {
      throw new SchemaRegistryException("schema for subject " + subject
          + " is incompatible with its latest version", 409);
    }
    for (Map.Entry<Integer, Schema> e : byId.entrySet()) {
      if (e.getValue().equals(schema)) {
        ids.add(e.getKey());
        return e.getKey();
      }
    }
    int id = nextId++;
    byId.put(id, schema);
    ids.add(id);
    return id;
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema s = byId.get(id);
    if (s == null) {
      throw new SchemaRegistryException("schema id " + id + " not found", 404);
    }
    return s;
  }

  @Override
  public synchronized void setCompatibility(String subject, String level) {
    compatibility.put(subject, level);
  }

  @Override
  public synchronized String compatibility(String subject) {
    return compatibility.getOrDefault(subject, "BACKWARD");
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    List<Integer> ids = versions.get(subject);
    if (ids == null || ids.isEmpty() || "NONE".equals(compatibility(subject))) {
      return true;
    }
    Schema latest = byId.get(ids.get(ids.size() - 1));
    // BACKWARD: a reader with the new schema can read data written with the latest one.
    return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }
}
