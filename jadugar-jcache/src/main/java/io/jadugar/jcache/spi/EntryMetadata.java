package io.jadugar.jcache.spi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an entry written through the vendor API carries besides its value, inside the entry on
 * every store: when it was written and the caller's named values (tags and dependencies keep their
 * state here). An entry written through the standard API has none and pays nothing for it.
 *
 * @param writtenAt epoch milliseconds of the write that stored the value
 * @param values named values, in the order given; never {@code null}
 */
public record EntryMetadata(long writtenAt, Map<String, String> values) {

  /** The limit of one name or value, in UTF-8 bytes: metadata is for small things. */
  public static final int MAX_LENGTH = 64 * 1024;

  /** Metadata written at {@code writtenAt} with {@code values} (copied). */
  public EntryMetadata {
    values = values == null || values.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * The bytes of this metadata: the write time (8 bytes), the number of values (4), then each name
   * and value as a length (4) and UTF-8 bytes.
   */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + values.size() * 16);
    ByteBuffer head = ByteBuffer.allocate(12).putLong(writtenAt).putInt(values.size());
    out.writeBytes(head.array());
    values.forEach((name, value) -> {
      writeString(out, name);
      writeString(out, value);
    });
    return out.toByteArray();
  }

  /** Metadata from {@link #toBytes}; throws {@link IllegalArgumentException} when they do not parse. */
  public static EntryMetadata parse(byte[] bytes, int offset, int length) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
      long at = in.getLong();
      int n = in.getInt();
      if (n < 0 || n > length / 8) {
        throw new IllegalArgumentException("metadata claims " + n + " values in " + length + " bytes");
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = readString(in);
        values.put(name, readString(in));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException("metadata has " + in.remaining() + " bytes left over");
      }
      return new EntryMetadata(at, values);
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("metadata is truncated", e);
    }
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_LENGTH) {
      throw new IllegalArgumentException("entry metadata '" + s.substring(0, 32) + "...' is longer than "
          + MAX_LENGTH + " bytes");
    }
    out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
    out.writeBytes(b);
  }

  private static String readString(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("metadata string length " + n + " is out of bounds");
    }
    String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
    in.position(in.position() + n);
    return s;
  }
}
