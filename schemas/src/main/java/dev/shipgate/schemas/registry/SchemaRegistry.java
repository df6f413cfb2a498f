package dev.shipgate.schemas.registry;

import org.apache.avro.Schema;

/**
 * The subset of Confluent's Schema Registry REST API shipgate uses. Implementations must be
 * thread-safe; serdes call them from many threads.
 *
 * <p>Ids are the registry's global schema ids, as written in the Confluent wire format.
 */
public interface SchemaRegistry extends AutoCloseable {

  /**
   * Registers {@code schema} under {@code subject} (or finds it, if already registered) and
   * returns its id.
   *
   * @throws SchemaRegistryException with {@link SchemaRegistryException#status()} 409 when the
   *     subject's compatibility rule refuses the schema
   */
  int register(String subject, Schema schema);

  /** The schema with global id {@code id}. */
  Schema schemaById(int id);

  /** Sets the compatibility level of {@code subject} (e.g. {@code BACKWARD}). */
  void setCompatibility(String subject, String level);

  /** The compatibility level of {@code subject}, or the global default when none is set. */
  String compatibility(String subject);

  /** Whether {@code schema} is compatible with the latest version under {@code subject}. */
  boolean isCompatible(String subject, Schema schema);

  @Override
  default void close() {}
}
