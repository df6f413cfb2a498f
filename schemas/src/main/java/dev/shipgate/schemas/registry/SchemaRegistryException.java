package dev.shipgate.schemas.registry;

/** A registry call failed; {@link #status()} is the HTTP status (0 when no answer arrived). */
public class SchemaRegistryException extends RuntimeException {
  private final int status;

  public SchemaRegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  public int status() {
    return status;
  }

  /** True when the registry refused the schema as incompatible (HTTP 409). */
  public boolean isIncompatible() {
    return status == 409;
  }
}
