package io.jadugar.jcache.codec;

import java.nio.ByteBuffer;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The frame every value in a remote store is held in. Layout, all integers big-endian:
 *
 * <pre>
 *  offset  size  field
 *  0       1     magic 0xA7
 *  1       1     format version (1)
 *  2       1     serializer id: 1 kryo, 2 java, 3 json, 4 msgpack, 64+ a user's own
 *  3       1     compressor id: 0 none, 1 lz4, 2 gzip, 3 deflate, 4 brotli
 *  4       1     flags: 0x01 expiry present, 0x02 tags present, 0x04 dependencies present,
 *                       0x08 original key present, 0x10 entry metadata present; other bits must be 0
 *  5       4     checksum: XXHash32 of every byte after it, seeded from bytes 0-4 so that
 *                the header is covered too
 *  [9      8     expiry, epoch milliseconds]                      if 0x01
 *  [.      4+n   original key: length n, then n bytes]            if 0x08
 *  [.      4+n   entry metadata: length n, then n bytes]          if 0x10 (see EntryMetadata)
 *  .       rest  payload: the serialized value, compressed as the compressor id says
 * </pre>
 *
 * A frame that does not parse, or whose checksum does not match, is corruption, never a value:
 * without the checksum a flipped bit in a payload could still deserialize, into a wrong value.
 *
 * @param serializerId the serializer id
 * @param compressorId the compressor id
 * @param expireAt precise expiry time in epoch milliseconds, or {@code -1} if absent
 * @param originalKey the original encoded key, or {@code null}
 * @param metadata the entry's metadata bytes ({@link io.jadugar.jcache.spi.EntryMetadata#toBytes}), or {@code null}
 * @param payload the array holding the payload
 * @param payloadOffset where the payload starts in it
 * @param payloadLength how long the payload is
 */
public record Frame(byte serializerId, byte compressorId, long expireAt, byte[] originalKey,
    byte[] metadata, byte[] payload, int payloadOffset, int payloadLength) {

  /** The first byte of every frame. */
  public static final byte MAGIC = (byte) 0xA7;
  /** The format version this code writes and reads. */
  public static final byte VERSION = 1;

  static final int FLAG_EXPIRY = 0x01;
  static final int FLAG_TAGS = 0x02;
  static final int FLAG_DEPENDENCIES = 0x04;
  static final int FLAG_ORIGINAL_KEY = 0x08;
  static final int FLAG_METADATA = 0x10;
  private static final int KNOWN_FLAGS = FLAG_EXPIRY | FLAG_TAGS | FLAG_DEPENDENCIES | FLAG_ORIGINAL_KEY
      | FLAG_METADATA;
  private static final int HEADER = 9;
  private static final int SEED = 0x4A414455;
  private static final XXHash32 HASH = XXHashFactory.fastestInstance().hash32();

  /** A frame without entry metadata. */
  public Frame(byte serializerId, byte compressorId, long expireAt, byte[] originalKey,
      byte[] payload, int payloadOffset, int payloadLength) {
    this(serializerId, compressorId, expireAt, originalKey, null, payload, payloadOffset, payloadLength);
  }

  /** Whether the frame in {@code bytes} says it carries entry metadata; nothing else is checked. */
  public static boolean hasMetadata(byte[] bytes) {
    return bytes.length >= HEADER && bytes[0] == MAGIC && (bytes[4] & FLAG_METADATA) != 0;
  }

  /** The frame's bytes. */
  public byte[] toBytes() {
    int flags = (expireAt >= 0 ? FLAG_EXPIRY : 0) | (originalKey != null ? FLAG_ORIGINAL_KEY : 0)
        | (metadata != null ? FLAG_METADATA : 0);
    int size = HEADER + (expireAt >= 0 ? 8 : 0) + (originalKey != null ? 4 + originalKey.length : 0)
        + (metadata != null ? 4 + metadata.length : 0) + payloadLength;
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC).put(VERSION).put(serializerId).put(compressorId).put((byte) flags).putInt(0);
    if (expireAt >= 0) {
      out.putLong(expireAt);
    }
    if (originalKey != null) {
      out.putInt(originalKey.length).put(originalKey);
    }
    if (metadata != null) {
      out.putInt(metadata.length).put(metadata);
    }
    out.put(payload, payloadOffset, payloadLength);
    byte[] bytes = out.array();
    ByteBuffer.wrap(bytes).putInt(5, checksum(bytes));
    return bytes;
  }

  /** Parses {@code bytes}, or throws {@link CorruptEntryException} saying why not. */
  public static Frame parse(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER) {
      throw new CorruptEntryException("frame shorter than its header");
    }
    if (bytes[0] != MAGIC) {
      throw new CorruptEntryException("not a Jadugar frame (magic " + (bytes[0] & 0xff) + ")");
    }
    if (bytes[1] != VERSION) {
      throw new CorruptEntryException("frame format version " + bytes[1] + ", this Jadugar reads " + VERSION);
    }
    int flags = bytes[4] & 0xff;
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new CorruptEntryException("unknown frame flags " + Integer.toHexString(flags));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (in.getInt(5) != checksum(bytes)) {
      throw new CorruptEntryException("frame checksum does not match its contents");
    }
    in.position(HEADER);
    try {
      long expireAt = (flags & FLAG_EXPIRY) != 0 ? in.getLong() : -1;
      byte[] key = (flags & FLAG_ORIGINAL_KEY) != 0 ? section(in, "original key") : null;
      byte[] metadata = (flags & FLAG_METADATA) != 0 ? section(in, "entry metadata") : null;
      return new Frame(bytes[2], bytes[3], expireAt, key, metadata, bytes, in.position(), in.remaining());
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptEntryException("frame is truncated", e);
    }
  }

  /** A length-prefixed section of a frame. */
  private static byte[] section(ByteBuffer in, String what) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new CorruptEntryException("frame's " + what + " length " + n + " is out of bounds");
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  private static int checksum(byte[] bytes) {
    int header = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    int seed = SEED ^ (header * 31 + (bytes[4] & 0xff));
    return HASH.hash(bytes, HEADER, bytes.length - HEADER, seed);
  }

  /** This frame with a precise expiry time. */
  public Frame withExpireAt(long at) {
    return new Frame(serializerId, compressorId, at, originalKey, metadata, payload, payloadOffset, payloadLength);
  }

  /** This frame with the original key, for stores that must shorten keys. */
  public Frame withOriginalKey(byte[] key) {
    return new Frame(serializerId, compressorId, expireAt, key, metadata, payload, payloadOffset, payloadLength);
  }
}
