package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Small payloads that decompress to far more than jadugar.serializer.max-bytes, in every format:
 * a corrupt entry, found while decompressing, with no more allocated than about twice the bound
 * (measured with the JVM's per-thread allocation counter).
 */
class DecompressionBombTest {

  private static final int MIB = 1 << 20;

  /** {@code size} zero bytes, compressed by {@code format} as a raw client would. */
  static byte[] zeros(String format, long size) throws IOException {
    com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = switch (format) {
      case "gzip" -> new GZIPOutputStream(bytes, 64 * 1024);
      case "deflate" -> new DeflaterOutputStream(bytes, new Deflater(9), 64 * 1024);
      case "brotli" -> new BrotliOutputStream(bytes, new Encoder.Parameters().setQuality(5).setWindow(24), MIB);
      default -> throw new IllegalArgumentException(format);
    }) {
      byte[] chunk = new byte[MIB];
      for (long written = 0; written < size; written += chunk.length) {
        out.write(chunk);
      }
    }
    return bytes.toByteArray();
  }

  static byte id(String format) {
    return switch (format) {
      case "gzip" -> DeflateCompressor.GZIP_ID;
      case "deflate" -> DeflateCompressor.DEFLATE_ID;
      case "brotli" -> BrotliCompressor.ID;
      default -> Lz4Compressor.ID;
    };
  }

  /** Decodes {@code frame} on another thread, expects a corrupt entry and returns the bytes that thread allocated. */
  static long refusedAllocating(FrameCodec codec, byte[] frame) {
    DeserializationBombTest.warmUp(codec);
    return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      long before = DeserializationBombTest.allocated();
      CorruptEntryException e = assertThrows(CorruptEntryException.class, () -> codec.decodeValue(frame));
      assertTrue(e.getMessage().contains("jadugar.serializer.max-bytes"), e.getMessage());
      return DeserializationBombTest.allocated() - before;
    });
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gzip", "deflate", "brotli"})
  void aBombStopsAtTheBoundTheUserSet(String format) throws IOException {
    byte[] payload = zeros(format, 256L * MIB);
    assertTrue(payload.length < 300 * 1024, format + " payload of " + payload.length);
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer.max-bytes", String.valueOf(MIB));
    long used = refusedAllocating(codec, Bombs.frame(KryoSerializer.ID, id(format), payload));
    assertTrue(used < 3L * MIB, format + " allocated " + used + " bytes for a 1 MiB bound");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gzip", "deflate", "brotli"})
  void withDefaultSettingsABombOfGigabytesCostsNoMoreThanTwiceTheBound(String format) throws IOException {
    // deflate cannot shrink more than about 1000:1, brotli a great deal more: a gigabyte of zeros
    // is a few kilobytes in brotli
    long size = format.equals("brotli") ? 1L << 30 : 256L * MIB;
    byte[] payload = zeros(format, size);
    if (format.equals("brotli")) {
      assertTrue(payload.length < 4 * 1024, "a few kilobytes: " + payload.length);
    }
    long used = refusedAllocating(CodecFixtures.frames(), Bombs.frame(KryoSerializer.ID, id(format), payload));
    assertTrue(used < 3L * 16 * MIB, format + " allocated " + used + " bytes for the 16 MiB default");
    assertTrue(used > 16L * MIB, "it did decompress up to the bound");
  }

  @Test
  void lz4RefusesALengthBeyondTheBoundBeforeAllocating() {
    byte[] payload = new byte[64];
    ByteBuffer.wrap(payload).putInt(16 * MIB + 1);
    long used = refusedAllocating(CodecFixtures.frames(), Bombs.frame(KryoSerializer.ID, Lz4Compressor.ID, payload));
    assertTrue(used < MIB, "allocated " + used);
    FrameCodec small = CodecFixtures.frames("jadugar.serializer.max-bytes", "1000");
    ByteBuffer.wrap(payload).putInt(1001);
    refusedAllocating(small, Bombs.frame(KryoSerializer.ID, Lz4Compressor.ID, payload));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lz4", "gzip", "deflate", "brotli", "none"})
  void aValueOfExactlyTheBoundStillReadsAndOneByteMoreDoesNot(String format) {
    String value = "x".repeat(100_000);
    FrameCodec writer = CodecFixtures.frames("jadugar.compression", format);
    byte[] frame = (byte[]) writer.encodeValue(value);
    int serialized = Codecs.serializer("kryo", getClass().getClassLoader(), ClassAllowList.of(java.util.List.of()))
        .serialize(value).length;
    assertEquals(value, CodecFixtures.frames("jadugar.serializer.max-bytes", String.valueOf(serialized)).decodeValue(frame));
    FrameCodec tight = CodecFixtures.frames("jadugar.serializer.max-bytes", String.valueOf(serialized - 1));
    CorruptEntryException e = assertThrows(CorruptEntryException.class, () -> tight.decodeValue(frame));
    assertTrue(e.getMessage().contains("jadugar.serializer.max-bytes"), e.getMessage());
  }
}
