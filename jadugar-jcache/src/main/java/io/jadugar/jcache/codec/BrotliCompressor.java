package io.jadugar.jcache.codec;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Brotli, through brotli4j's native library (an optional dependency). */
final class BrotliCompressor implements Compressor {

  static final byte ID = 4;

  private final Encoder.Parameters parameters;

  /** A brotli compressor at {@code level}, from 0 (fast) to 11 (small). */
  static Compressor create(int level) {
    return new BrotliCompressor(level);
  }

  private BrotliCompressor(int level) {
    Brotli4jLoader.ensureAvailability();
    this.parameters = new Encoder.Parameters().setQuality(level);
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public String name() {
    return "brotli";
  }

  @Override
  public byte[] compress(byte[] data) {
    try {
      return Encoder.compress(data, parameters);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public byte[] decompress(byte[] data, int offset, int length) {
    byte[] in = offset == 0 && length == data.length ? data : java.util.Arrays.copyOfRange(data, offset, offset + length);
    try {
      DirectDecompress result = DirectDecompress.decompress(in);
      if (result.getResultStatus() != DecoderJNI.Status.DONE) {
        throw new CorruptEntryException("brotli payload does not decompress: " + result.getResultStatus());
      }
      byte[] out = result.getDecompressedData();
      if (out.length > MAX_DECOMPRESSED) {
        throw new CorruptEntryException("brotli payload inflates beyond " + MAX_DECOMPRESSED + " bytes");
      }
      return out;
    } catch (IOException e) {
      throw new CorruptEntryException("brotli payload does not decompress: " + e.getMessage(), e);
    }
  }
}
