package io.jadugar.jcache.codec;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
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
  public byte[] decompress(byte[] data, int offset, int length, int maxSize) {
    // brotli4j's one-shot decoder would produce the whole output before it could be checked:
    // the streaming one hands it over a window at a time, each checked before the next
    BoundedOutput out = new BoundedOutput(name(), length, maxSize);
    DecoderJNI.Wrapper decoder;
    try {
      decoder = new DecoderJNI.Wrapper(Math.max(length, 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      decoder.getInputBuffer().put(data, offset, length);
      decoder.push(length);
      while (decoder.getStatus() != DecoderJNI.Status.DONE) {
        switch (decoder.getStatus()) {
          case OK:
            decoder.push(0);
            break;
          case NEEDS_MORE_OUTPUT:
            out.write(decoder.pull());
            break;
          case NEEDS_MORE_INPUT:
            decoder.push(0); // lets the decoder use what it buffered; still hungry means truncated
            if (decoder.getStatus() == DecoderJNI.Status.NEEDS_MORE_INPUT) {
              throw new CorruptEntryException("brotli payload is truncated");
            }
            break;
          default:
            throw new CorruptEntryException("brotli payload does not decompress: " + decoder.getStatus());
        }
      }
      return out.toArray();
    } finally {
      decoder.destroy();
    }
  }
}
