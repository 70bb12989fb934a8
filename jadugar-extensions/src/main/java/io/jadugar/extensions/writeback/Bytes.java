package io.jadugar.extensions.writeback;

import java.util.Arrays;

/** An encoded key as a map key: equal when the bytes are. */
record Bytes(byte[] bytes) {

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return bytes.length + " bytes";
  }
}
