package io.jadugar.jcache.codec;

import io.jadugar.jcache.copy.EntryCodec;
import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.spi.EntryMetadata;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.function.Function;

/**
 * Keys and values for a store that holds bytes. Values become {@link Frame}s: serialized,
 * compressed above a threshold when that makes them smaller, and marked with how. Keys become
 * {@link BinaryKey}s that read back: common key types as a tag and their text ({@code s} string,
 * {@code i} int, {@code l} long, {@code u} UUID), anything else as {@code o} and its serialized
 * form. Bytes that do not decode are a {@link CorruptEntryException}.
 */
public final class FrameCodec implements EntryCodec {

  private final Serialization serialization;
  private final Compressor compressor;
  private final int threshold;
  private final Function<Byte, Compressor> decompressors;
  private final Class<?> valueType;
  private final ClassAllowList allowList;
  private final int maxBytes;

  /**
   * A codec that writes with {@code serialization} and {@code compressor} ({@code null} for none)
   * above {@code threshold} bytes, and reads any compressor {@code decompressors} knows by id; a
   * value that is not a {@code valueType} (written by somebody else under the same key) is corrupt.
   * Values of classes {@code allowList} refuses are refused on the way in too, where the error
   * reaches the application instead of a later miss. A payload longer than {@code maxBytes}
   * serialized is corrupt, and decompression stops there.
   */
  public FrameCodec(Serialization serialization, Compressor compressor, int threshold,
      Function<Byte, Compressor> decompressors, Class<?> valueType, ClassAllowList allowList, int maxBytes) {
    this.maxBytes = maxBytes;
    this.valueType = valueType;
    this.allowList = allowList;
    this.serialization = serialization;
    this.compressor = compressor;
    this.threshold = threshold;
    this.decompressors = decompressors;
  }

  @Override
  public boolean mayBeCorrupt() {
    return true;
  }

  @Override
  public Object encodeKey(Object key) {
    byte tag;
    byte[] body;
    if (key instanceof String) {
      tag = 's';
      body = ((String) key).getBytes(StandardCharsets.UTF_8);
    } else if (key instanceof Integer) {
      tag = 'i';
      body = key.toString().getBytes(StandardCharsets.US_ASCII);
    } else if (key instanceof Long) {
      tag = 'l';
      body = key.toString().getBytes(StandardCharsets.US_ASCII);
    } else if (key instanceof UUID) {
      tag = 'u';
      body = key.toString().getBytes(StandardCharsets.US_ASCII);
    } else {
      allowList.check(key.getClass().getName());
      Serialization.Encoded e = serialization.serialize(key);
      tag = 'o';
      body = new byte[1 + e.bytes().length];
      body[0] = e.serializerId();
      System.arraycopy(e.bytes(), 0, body, 1, e.bytes().length);
    }
    byte[] bytes = new byte[1 + body.length];
    bytes[0] = tag;
    System.arraycopy(body, 0, bytes, 1, body.length);
    return new BinaryKey(bytes);
  }

  @Override
  public byte[] stringKeyPrefix() {
    return new byte[] {'s'};
  }

  @Override
  public Object decodeKey(Object stored) {
    byte[] b = ((BinaryKey) stored).bytes();
    if (b.length == 0) {
      throw new CorruptEntryException("empty key");
    }
    try {
      switch (b[0]) {
        case 's': return new String(b, 1, b.length - 1, StandardCharsets.UTF_8);
        case 'i': return Integer.valueOf(new String(b, 1, b.length - 1, StandardCharsets.US_ASCII));
        case 'l': return Long.valueOf(new String(b, 1, b.length - 1, StandardCharsets.US_ASCII));
        case 'u': return UUID.fromString(new String(b, 1, b.length - 1, StandardCharsets.US_ASCII));
        case 'o':
          if (b.length < 2) {
            throw new CorruptEntryException("truncated key");
          }
          return serialization.deserialize(b[1], b, 2, b.length - 2);
        default:
          throw new CorruptEntryException("unknown key tag " + (b[0] & 0xff));
      }
    } catch (CorruptEntryException e) {
      throw e;
    } catch (ReadLimitException e) {
      throw new CorruptEntryException(e.getMessage(), e);
    } catch (RuntimeException | LinkageError e) {
      throw new CorruptEntryException("key does not decode: " + e.getMessage(), e);
    }
  }

  @Override
  public Object encodeValue(Object value) {
    return encodeValue(value, null);
  }

  @Override
  public EntryMetadata metadataOf(Object stored) {
    if (!(stored instanceof byte[]) || !Frame.hasMetadata((byte[]) stored)) {
      return null;
    }
    byte[] m = Frame.parse((byte[]) stored).metadata();
    try {
      return EntryMetadata.parse(m, 0, m.length);
    } catch (IllegalArgumentException e) {
      throw new CorruptEntryException("frame's " + e.getMessage(), e);
    }
  }

  @Override
  public Object encodeValue(Object value, EntryMetadata metadata) {
    allowList.check(value.getClass().getName());
    Serialization.Encoded e = serialization.serialize(value);
    byte[] payload = e.bytes();
    if (payload.length > maxBytes) {
      throw Serialization.unreadable(value, "value is " + payload.length + " bytes serialized, more than "
          + maxBytes + " (" + CodecSettings.MAX_BYTES.key() + ")", null);
    }
    byte compressorId = 0;
    if (compressor != null && payload.length >= threshold) {
      byte[] compressed = compressor.compress(payload);
      if (compressed.length < payload.length) { // never store a value bigger than it is
        payload = compressed;
        compressorId = compressor.id();
      }
    }
    return new Frame(e.serializerId(), compressorId, -1, null, metadata == null ? null : metadata.toBytes(),
        payload, 0, payload.length).toBytes();
  }

  @Override
  public Object decodeValue(Object stored) {
    if (!(stored instanceof byte[])) {
      throw new CorruptEntryException("stored value is a " + (stored == null ? "null" : stored.getClass().getName()));
    }
    Frame f = Frame.parse((byte[]) stored);
    byte[] data = f.payload();
    int offset = f.payloadOffset();
    int length = f.payloadLength();
    try {
      if (f.compressorId() != 0) {
        Compressor c = decompressors.apply(f.compressorId());
        if (c == null) {
          throw new CorruptEntryException("unknown compressor id " + f.compressorId());
        }
        data = c.decompress(data, offset, length, maxBytes);
        offset = 0;
        length = data.length;
      }
      if (length > maxBytes) { // a user's serializer is held to this too
        throw new CorruptEntryException("stored value is " + length + " bytes serialized, more than "
            + maxBytes + " (" + CodecSettings.MAX_BYTES.key() + ")");
      }
      Object value = serialization.deserialize(f.serializerId(), data, offset, length);
      if (!valueType.isInstance(value)) {
        throw new CorruptEntryException("stored value is a " + value.getClass().getName()
            + ", not the cache's " + valueType.getName());
      }
      return value;
    } catch (CorruptEntryException e) {
      throw e;
    } catch (ClassNotAllowedException | ReadLimitException e) {
      throw new CorruptEntryException(e.getMessage(), e);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      throw new CorruptEntryException("value does not deserialize: " + e, e);
    }
  }

  @Override
  public String toString() {
    return "FrameCodec[" + serialization.writer().name() + ", "
        + (compressor == null ? "none" : compressor.name()) + " >= " + threshold + "B]";
  }
}
