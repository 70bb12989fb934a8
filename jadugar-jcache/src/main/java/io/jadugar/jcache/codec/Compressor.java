package io.jadugar.jcache.codec;

/** Compresses payloads. Implementations are thread-safe. */
public interface Compressor {

  /** Largest payload a frame may decompress to: more is treated as corruption, not allocated. */
  int MAX_DECOMPRESSED = 256 * 1024 * 1024;

  /** The id frames record. */
  byte id();

  /** The name configuration uses. */
  String name();

  /** The compressed form of {@code data}. */
  byte[] compress(byte[] data);

  /** The original bytes of {@code data[offset, offset + length)}; fails on corrupt input. */
  byte[] decompress(byte[] data, int offset, int length);
}
