package dev.shipgate.schemas.serde;

/**
 * Confluent's wire format: magic byte 0, the schema's registry id as a 4-byte big-endian int,
 * then the Avro binary encoding of the value.
 */
public final class WireFormat {
  private WireFormat() {}

  public static final byte MAGIC = 0;
  public static final int HEADER_BYTES = 5;
}
