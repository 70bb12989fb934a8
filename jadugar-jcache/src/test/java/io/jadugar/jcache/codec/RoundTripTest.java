package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every serializer with every compressor, on a realistic mix of values. */
class RoundTripTest {

  /** A record, as applications cache them. */
  public record Order(long id, String customer, List<String> items, BigDecimal total) implements Serializable {}

  /** A class without a no-argument constructor. */
  public static final class Point implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int x;
    private final int y;

    public Point(int x, int y) {
      this.x = x;
      this.y = y;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Point && ((Point) o).x == x && ((Point) o).y == y;
    }

    @Override
    public int hashCode() {
      return 31 * x + y;
    }
  }

  /** An enum. */
  public enum Colour { RED, GREEN }

  static Stream<Arguments> pairs() {
    List<Arguments> out = new ArrayList<>();
    for (String s : List.of("kryo", "java", "json", "msgpack")) {
      for (String c : List.of("lz4", "gzip", "deflate", "brotli", "none")) {
        out.add(Arguments.of(s, c));
      }
    }
    return out.stream();
  }

  static List<Object> values() {
    Random random = new Random(42);
    byte[] noise = new byte[5_000];
    random.nextBytes(noise);
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("name", "Ada");
    nested.put("tags", new ArrayList<>(List.of("a", "b", "c")));
    Map<String, Object> inner = new HashMap<>();
    inner.put("depth", 2);
    inner.put("list", new ArrayList<>(List.of(1L, 2L, 3L)));
    nested.put("inner", inner);
    return List.of(
        "hello", "ünïcødé ✓", 42, 42L, 3.5d, true, new BigDecimal("12.3400"),
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), Instant.ofEpochMilli(1_700_000_000_123L),
        LocalDate.of(2026, 11, 25), Colour.GREEN,
        nested,
        new ArrayList<>(List.of("x", new ArrayList<>(List.of(1, 2)), new TreeMap<>(Map.of("k", "v")))),
        new Order(7L, "acme", new ArrayList<>(List.of("bolt", "nut")), new BigDecimal("9.99")),
        "lorem ipsum dolor sit amet ".repeat(2_000),
        noise,
        new byte[] {1, 2, 3});
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("pairs")
  void everyValueComesBackEqualAndOfItsClass(String serializer, String compression) {
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer", serializer, "jadugar.compression",
        compression, "jadugar.serializer.allow", "io.jadugar.jcache.codec.");
    for (Object value : values()) {
      byte[] frame = (byte[]) codec.encodeValue(value);
      Object back = codec.decodeValue(frame);
      if (value instanceof byte[]) {
        assertArrayEquals((byte[]) value, (byte[]) back, serializer + "/" + compression);
      } else {
        assertEquals(value, back, serializer + "/" + compression + " on " + value.getClass());
        assertEquals(value.getClass(), back.getClass(), serializer + "/" + compression);
      }
    }
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("pairs")
  void compressionNeverMakesAValueBigger(String serializer, String compression) {
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer", serializer, "jadugar.compression", compression);
    byte[] noise = new byte[5_000];
    new Random(7).nextBytes(noise);
    Frame incompressible = Frame.parse((byte[]) codec.encodeValue(noise));
    int raw = Codecs.serializer(serializer, getClass().getClassLoader(), ClassAllowList.of(List.of()))
        .serialize(noise).length;
    assertTrue(incompressible.payloadLength() <= raw, "never bigger than serialized");
    if (!serializer.equals("json")) { // JSON writes bytes as base64, which does compress
      assertEquals(0, incompressible.compressorId(), "random bytes are stored raw");
    }

    Frame text = Frame.parse((byte[]) codec.encodeValue("abc ".repeat(5_000)));
    if (compression.equals("none")) {
      assertEquals(0, text.compressorId());
    } else {
      assertTrue(text.compressorId() != 0, "large text is compressed with " + compression);
      assertTrue(text.payloadLength() < 5_000, "compressed to " + text.payloadLength());
    }
    Frame small = Frame.parse((byte[]) codec.encodeValue("abc ".repeat(10)));
    assertEquals(0, small.compressorId(), "below the threshold values are stored raw");
  }

  @Test
  void thresholdAndLevelAreHonoured() {
    FrameCodec codec = CodecFixtures.frames("jadugar.compression", "gzip",
        "jadugar.compression.threshold", "10", "jadugar.compression.level", "9");
    Frame small = Frame.parse((byte[]) codec.encodeValue("abc ".repeat(10)));
    assertEquals(DeflateCompressor.GZIP_ID, small.compressorId());
  }

  @Test
  void kryoHandlesJdkWrappersRecordsAndClassesWithoutNoArgConstructors() {
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer.allow", "io.jadugar.jcache.codec.");
    List<Object> values = List.of(
        List.of(1, 2, 3), Set0.set(), Map.of("a", 1, "b", 2), List.of(),
        Collections.unmodifiableList(new ArrayList<>(List.of("u", "v"))),
        Collections.unmodifiableMap(new HashMap<>(Map.of("k", "v"))),
        Collections.singletonList("one"), Collections.emptyMap(), Arrays.asList("p", "q"),
        new Point(3, 4), new Order(1, "c", List.of("i"), BigDecimal.ONE));
    for (Object value : values) {
      byte[] frame = (byte[]) codec.encodeValue(value);
      assertEquals(value, codec.decodeValue(frame), value.getClass().getName());
    }
  }

  @Test
  void keysReadBack() {
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer.allow", "io.jadugar.jcache.codec.");
    for (Object key : List.of("k", 1, 2L, UUID.randomUUID(), new Point(1, 2), List.of("a", 1))) {
      assertEquals(key, codec.decodeKey(codec.encodeKey(key)));
      assertEquals(codec.encodeKey(key), codec.encodeKey(key), "equal keys encode equally");
    }
  }

  @Test
  void anEntryWrittenWithOneSerializerReadsAfterTheCacheSwitchesToAnother() {
    byte[] written = (byte[]) CodecFixtures.frames("jadugar.serializer", "java",
        "jadugar.compression", "gzip", "jadugar.compression.threshold", "0").encodeValue("old entry ".repeat(50));
    FrameCodec now = CodecFixtures.frames("jadugar.serializer", "kryo", "jadugar.compression", "lz4");
    assertEquals("old entry ".repeat(50), now.decodeValue(written));
  }

  /** An immutable set from {@code Set.of}. */
  static final class Set0 {
    static java.util.Set<String> set() {
      return java.util.Set.of("s1", "s2");
    }
  }
}
