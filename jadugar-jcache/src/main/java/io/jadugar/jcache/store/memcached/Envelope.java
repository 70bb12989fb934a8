package io.jadugar.jcache.store.memcached;

import java.nio.ByteBuffer;

/**
 * The bytes stored under a memcached key: the engine's value frame wrapped with what memcached
 * cannot keep itself, the precise expiry in milliseconds and, for hashed keys, the original key.
 *
 * <pre>
 *  offset  size  field
 *  0       1     magic 0x4D
 *  1       1     format version (1)
 *  2       8     expiry, epoch milliseconds; Long.MAX_VALUE for never
 *  10      4     original key length n, or -1 when the memcached key holds the key itself
 *  14      n     original key
 *  .       rest  the engine's value bytes
 * </pre>
 *
 * @param expireAt precise expiry time in epoch milliseconds
 * @param originalKey the original encoded key, or {@code null}
 * @param value the engine's value bytes
 */
record Envelope(long expireAt, byte[] originalKey, byte[] value) {

  static final byte MAGIC = 0x4D;
  static final byte VERSION = 1;
  private static final int HEADER = 14;

  /** The envelope's bytes. */
  byte[] toBytes() {
    int keyLength = originalKey == null ? 0 : originalKey.length;
    ByteBuffer out = ByteBuffer.allocate(HEADER + keyLength + value.length);
    out.put(MAGIC).put(VERSION).putLong(expireAt).putInt(originalKey == null ? -1 : keyLength);
    if (originalKey != null) {
      out.put(originalKey);
    }
    out.put(value);
    return out.array();
  }

  /** Parses {@code bytes}, or returns {@code null} if they are not an envelope (corruption). */
  static Envelope parse(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER || bytes[0] != MAGIC || bytes[1] != VERSION) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.position(2);
    long expireAt = in.getLong();
    int n = in.getInt();
    if (n < -1 || n > in.remaining()) {
      return null;
    }
    byte[] key = null;
    if (n >= 0) {
      key = new byte[n];
      in.get(key);
    }
    byte[] value = new byte[in.remaining()];
    in.get(value);
    return new Envelope(expireAt, key, value);
  }
}
