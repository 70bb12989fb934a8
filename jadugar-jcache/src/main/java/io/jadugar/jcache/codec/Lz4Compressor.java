package io.jadugar.jcache.codec;

import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block compression, the default: a 4-byte original length, then the block. Decompression
 * uses the safe decompressor, which never reads or writes out of bounds on hostile input.
 */
final class Lz4Compressor implements Compressor {

  static final byte ID = 1;

  private final LZ4Compressor compressor;
  private final LZ4SafeDecompressor decompressor;

  /** Level 0 is LZ4's fast mode; 1 to 17 are LZ4 HC levels. */
  Lz4Compressor(int level) {
    LZ4Factory factory = LZ4Factory.fastestInstance();
    this.compressor = level == 0 ? factory.fastCompressor() : factory.highCompressor(level);
    this.decompressor = factory.safeDecompressor();
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public String name() {
    return "lz4";
  }

  @Override
  public byte[] compress(byte[] data) {
    int max = compressor.maxCompressedLength(data.length);
    byte[] out = new byte[4 + max];
    ByteBuffer.wrap(out).putInt(data.length);
    int n = compressor.compress(data, 0, data.length, out, 4, max);
    return java.util.Arrays.copyOf(out, 4 + n);
  }

  @Override
  public byte[] decompress(byte[] data, int offset, int length, int maxSize) {
    if (length < 4) {
      throw new CorruptEntryException("LZ4 payload shorter than its length header");
    }
    int original = ByteBuffer.wrap(data, offset, 4).getInt();
    if (original < 0 || original > maxSize) { // checked before the output is allocated
      throw new CorruptEntryException("LZ4 payload claims " + original + " bytes, more than " + maxSize
          + " (" + CodecSettings.MAX_BYTES.key() + ")");
    }
    byte[] out = new byte[original];
    int n = decompressor.decompress(data, offset + 4, length - 4, out, 0, original);
    if (n != original) {
      throw new CorruptEntryException("LZ4 payload decompressed to " + n + " bytes, not " + original);
    }
    return out;
  }
}
