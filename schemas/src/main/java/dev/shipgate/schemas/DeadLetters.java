package dev.shipgate.schemas;

import dev.shipgate.results.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Bounds what a {@link DeadLetter} carries of the refused bytes: at most {@link #MAX_VALUE_BYTES},
 * with the original size, so that a dead letter always fits in a Kafka record (a refused 50 MB
 * line cannot fail with {@code RecordTooLargeException}) and never copies a whole file.
 */
public final class DeadLetters {
  private DeadLetters() {}

  /** The most bytes of a refused value a dead letter keeps: 16 KiB. */
  public static final int MAX_VALUE_BYTES = 16 * 1024;

  /** Sets {@code value}, {@code value_size} and {@code value_truncated} from {@code bytes}. */
  public static DeadLetter.Builder withValue(DeadLetter.Builder builder, byte[] bytes) {
    return withValue(builder, bytes, bytes == null ? 0 : bytes.length);
  }

  /**
   * As {@link #withValue(DeadLetter.Builder, byte[])} for a value of which only the first bytes
   * were read: {@code length} is the original length.
   */
  public static DeadLetter.Builder withValue(DeadLetter.Builder builder, byte[] bytes,
      long length) {
    if (bytes == null) {
      return builder.setValue(null).setValueSize(null).setValueTruncated(false);
    }
    boolean truncated = bytes.length > MAX_VALUE_BYTES || length > bytes.length;
    byte[] kept = bytes.length > MAX_VALUE_BYTES ? Arrays.copyOf(bytes, MAX_VALUE_BYTES) : bytes;
    return builder.setValue(ByteBuffer.wrap(kept))
        .setValueSize(Math.max(length, bytes.length)).setValueTruncated(truncated);
  }
}
