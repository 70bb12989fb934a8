package io.jadugar.jcache.codec;

/** Compresses payloads. Implementations are thread-safe. */
public interface Compressor {

  /** The id frames record. */
  byte id();

  /** The name configuration uses. */
  String name();

  /** The compressed form of {@code data}. */
  byte[] compress(byte[] data);

  /**
   * The original bytes of {@code data[offset, offset + length)}; fails with a
   * {@link CorruptEntryException} on corrupt input, and as soon as the output would pass
   * {@code maxSize} bytes, having allocated no more than about twice that.
   */
  byte[] decompress(byte[] data, int offset, int length, int maxSize);
}
