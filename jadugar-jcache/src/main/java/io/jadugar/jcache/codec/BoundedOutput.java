package io.jadugar.jcache.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The output of a decompression, in one array that grows by doubling up to one byte past its
 * bound: output that reaches that byte is a corrupt entry, found while decompressing, so a bomb
 * never costs more than about twice the bound in allocation.
 */
final class BoundedOutput {

  private final String format;
  private final int maxSize;
  private final int capacityLimit;
  private byte[] bytes;
  private int size;

  /** Output of a {@code format} payload of {@code length} bytes, at most {@code maxSize} bytes. */
  BoundedOutput(String format, int length, int maxSize) {
    this.format = format;
    this.maxSize = maxSize;
    this.capacityLimit = (int) Math.min((long) maxSize + 1, Integer.MAX_VALUE - 8);
    this.bytes = new byte[(int) Math.min(Math.max(4L * length, 256), capacityLimit)];
  }

  /** The array to write into at {@link #size()}, with room for at least one more byte. */
  byte[] array() {
    if (size == bytes.length) {
      if (size >= capacityLimit) {
        throw tooBig();
      }
      bytes = Arrays.copyOf(bytes, (int) Math.min(2L * bytes.length, capacityLimit));
    }
    return bytes;
  }

  int size() {
    return size;
  }

  /** Counts {@code n} bytes written into {@link #array()}. */
  void wrote(int n) {
    size += n;
    if (size > maxSize) {
      throw tooBig();
    }
  }

  /** Appends what {@code chunk} holds. */
  void write(ByteBuffer chunk) {
    while (chunk.hasRemaining()) {
      byte[] a = array();
      int n = Math.min(chunk.remaining(), a.length - size);
      chunk.get(a, size, n);
      wrote(n);
    }
  }

  /** The bytes written. */
  byte[] toArray() {
    return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
  }

  private CorruptEntryException tooBig() {
    return new CorruptEntryException(format + " payload decompresses beyond " + maxSize + " bytes ("
        + CodecSettings.MAX_BYTES.key() + ")");
  }
}
