package io.jadugar.jcache.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A key in a bytes store: its encoded bytes, with value equality, ordered by its bytes (unsigned),
 * the same order in every JVM. The bytes are not copied; nobody may change them.
 */
public final class BinaryKey implements Comparable<BinaryKey> {

  private final byte[] bytes;
  private final int hash;

  /** A key of {@code bytes}, which the caller gives up. */
  public BinaryKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The encoded key; do not modify. */
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryKey && hash == ((BinaryKey) o).hash
        && Arrays.equals(bytes, ((BinaryKey) o).bytes);
  }

  @Override
  public int compareTo(BinaryKey other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
