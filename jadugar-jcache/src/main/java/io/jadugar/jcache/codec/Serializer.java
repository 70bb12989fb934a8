package io.jadugar.jcache.codec;

/**
 * Turns objects into bytes and back. Implementations are thread-safe. A user's own serializer
 * implements this interface, has a public constructor taking a {@link ClassAllowList} (or none),
 * and returns an {@link #id()} of at least 64 so that frames written by it are told apart.
 */
public interface Serializer {

  /** The id frames record, so that a value is always read the way it was written. */
  byte id();

  /** The name configuration uses. */
  String name();

  /** The bytes of {@code value}. */
  byte[] serialize(Object value);

  /**
   * The object in {@code bytes[offset, offset + length)}. Classes outside the allow-list are
   * refused with a {@link ClassNotAllowedException}.
   */
  Object deserialize(byte[] bytes, int offset, int length);
}
