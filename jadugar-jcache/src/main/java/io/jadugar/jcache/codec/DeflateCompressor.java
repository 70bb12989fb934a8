package io.jadugar.jcache.codec;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Deflate, as a raw zlib stream ({@code deflate}) or in gzip's container ({@code gzip}): the JDK's
 * own; inflating stops as soon as the output passes its bound.
 */
final class DeflateCompressor implements Compressor {

  static final byte GZIP_ID = 2;
  static final byte DEFLATE_ID = 3;

  private static final int GZIP_MAGIC = 0x8b1f;

  private final boolean gzip;
  private final int level;

  /** {@code level} from 1 (fast) to 9 (small). */
  DeflateCompressor(boolean gzip, int level) {
    this.gzip = gzip;
    this.level = level;
  }

  @Override
  public byte id() {
    return gzip ? GZIP_ID : DEFLATE_ID;
  }

  @Override
  public String name() {
    return gzip ? "gzip" : "deflate";
  }

  @Override
  public byte[] compress(byte[] data) {
    if (gzip) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 2 + 32);
      try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(bytes) {
        {
          def.setLevel(level);
        }
      }) {
        out.write(data);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
    Deflater deflater = new Deflater(level);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 16);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  @Override
  public byte[] decompress(byte[] data, int offset, int length, int maxSize) {
    BoundedOutput out = new BoundedOutput(name(), length, maxSize);
    if (gzip) {
      if (length < 18 || ((data[offset] & 0xff) | (data[offset + 1] & 0xff) << 8) != GZIP_MAGIC) {
        throw new CorruptEntryException("not a gzip payload");
      }
      try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
          new java.io.ByteArrayInputStream(data, offset, length))) {
        int n;
        while ((n = in.read(out.array(), out.size(), out.array().length - out.size())) > 0) {
          out.wrote(n);
        }
        return out.toArray();
      } catch (java.io.IOException e) {
        throw new CorruptEntryException("gzip payload does not decompress: " + e.getMessage(), e);
      }
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data, offset, length);
      while (!inflater.finished()) {
        byte[] a = out.array();
        int n = inflater.inflate(a, out.size(), a.length - out.size());
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new CorruptEntryException("deflate payload is truncated");
        }
        out.wrote(n);
      }
      return out.toArray();
    } catch (DataFormatException e) {
      throw new CorruptEntryException("deflate payload does not decompress: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }
}
