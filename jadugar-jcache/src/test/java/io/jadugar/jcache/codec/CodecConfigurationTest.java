package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.store.memory.BytesMemoryStoreFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;

/** Choosing serializers and compressors: the user's own, per cache, and the errors bad choices get. */
class CodecConfigurationTest {

  /** A user's serializer: strings as UTF-8, nothing else. */
  public static final class Utf8Serializer implements Serializer {
    @Override
    public byte id() {
      return 77;
    }

    @Override
    public String name() {
      return "utf8";
    }

    @Override
    public byte[] serialize(Object value) {
      return ((String) value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object deserialize(byte[] bytes, int offset, int length) {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
  }

  @Test
  void storeByReferenceIsRefusedOnAStoreOfBytesWithAClearError() {
    assertTrue(Caching.getCachingProvider().isSupported(javax.cache.configuration.OptionalFeature.STORE_BY_REFERENCE),
        "the default (memory) store keeps objects");
    CacheManager m = Caching.getCachingProvider().getCacheManager(URI.create("test:by-reference"),
        getClass().getClassLoader(), new Properties());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> m.createCache("byref", new JadugarConfiguration<String, String>()
            .setStore(BytesMemoryStoreFactory.NAME).setStoreByValue(false)));
    assertTrue(e.getMessage().contains("store-by-reference") && e.getMessage().contains("byref"), e.getMessage());
    m.close();
  }

  @Test
  void aUserSerializerIsUsedAndRecordedInTheFrame() {
    FrameCodec codec = CodecFixtures.frames("jadugar.serializer", Utf8Serializer.class.getName());
    byte[] frame = (byte[]) codec.encodeValue("héllo");
    assertEquals(77, Frame.parse(frame).serializerId());
    assertEquals("héllo", codec.decodeValue(frame));
  }

  @Test
  void badChoicesNameTheKeyAndWhatIsAllowed() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> CodecFixtures.frames("jadugar.serializer", "com.example.Nope"));
    assertTrue(e.getMessage().contains("jadugar.serializer") && e.getMessage().contains("kryo"), e.getMessage());
    e = assertThrows(ConfigurationException.class,
        () -> CodecFixtures.frames("jadugar.compression", "zstd"));
    assertTrue(e.getMessage().contains("jadugar.compression") && e.getMessage().contains("lz4"), e.getMessage());
    e = assertThrows(ConfigurationException.class,
        () -> CodecFixtures.frames("jadugar.compression", "gzip", "jadugar.compression.level", "12"));
    assertTrue(e.getMessage().contains("1 to 9"), e.getMessage());
  }

  @Test
  void readLimitsAreSettingsWhoseBadValuesAreReportedLikeAnyOther() {
    for (String key : List.of("jadugar.serializer.max-depth", "jadugar.serializer.max-objects",
        "jadugar.serializer.max-array-length", "jadugar.serializer.max-bytes", "jadugar.serializer.max-hash-work")) {
      ConfigurationException e = assertThrows(ConfigurationException.class, () -> CodecFixtures.frames(key, "lots"));
      assertTrue(e.getMessage().contains(key) && e.getMessage().contains("whole number"), e.getMessage());
      e = assertThrows(ConfigurationException.class, () -> CodecFixtures.frames(key, "-1"));
      assertTrue(e.getMessage().contains(key), e.getMessage());
    }
    ReadLimits limits = ReadLimits.of(CodecFixtures.settings("jadugar.serializer.max-depth", "40",
        "jadugar.serializer.max-bytes", "1_000_000"));
    assertEquals(40, limits.maxDepth());
    assertEquals(1_000_000, limits.maxBytes());
    assertEquals(ReadLimits.DEFAULTS.maxObjects(), limits.maxObjects());
    FrameCodec shallow = CodecFixtures.frames("jadugar.serializer.max-depth", "3");
    FrameCodec writer = CodecFixtures.frames();
    assertEquals(List.of(List.of("a")), shallow.decodeValue(writer.encodeValue(new java.util.ArrayList<>(
        List.of(new java.util.ArrayList<>(List.of("a")))))));
    assertThrows(CorruptEntryException.class, () -> shallow.decodeValue(writer.encodeValue(new java.util.ArrayList<>(
        List.of(new java.util.ArrayList<>(List.of(new java.util.ArrayList<>(List.of("a")))))))));
  }

  @Test
  void perCacheSettingsOverrideTheManagersThroughTheConfigurationClass() {
    Properties managerWide = new Properties();
    managerWide.setProperty("jadugar.serializer", "java");
    CacheManager m = Caching.getCachingProvider().getCacheManager(URI.create("test:codec-config"),
        getClass().getClassLoader(), managerWide);
    Cache<String, List<String>> javaCache = m.createCache("java", new JadugarConfiguration<String, List<String>>()
        .setStore(BytesMemoryStoreFactory.NAME));
    Cache<String, List<String>> jsonCache = m.createCache("json", new JadugarConfiguration<String, List<String>>()
        .setStore(BytesMemoryStoreFactory.NAME).setSerializer("json").setCompression("deflate")
        .setCompressionThreshold(0));
    javaCache.put("k", new java.util.ArrayList<>(List.of("a", "b")));
    jsonCache.put("k", new java.util.ArrayList<>(List.of("a", "b")));
    assertEquals(List.of("a", "b"), javaCache.get("k"));
    assertEquals(List.of("a", "b"), jsonCache.get("k"));

    io.jadugar.jcache.spi.Store store = jsonCache.unwrap(io.jadugar.jcache.spi.Store.class);
    jsonCache.put("big", new java.util.ArrayList<>(List.of("z".repeat(2_000))));
    Frame f = null;
    for (java.util.Iterator<io.jadugar.jcache.spi.StoreEntry> it = store.iterator(); it.hasNext();) {
      io.jadugar.jcache.spi.StoreEntry e = it.next();
      if (e.key().toString().equals("sbig")) { // tag 's' + the key
        f = Frame.parse((byte[]) e.value());
      }
    }
    assertEquals(3, f.serializerId(), "json");
    assertEquals(DeflateCompressor.DEFLATE_ID, f.compressorId());
    Frame j = Frame.parse((byte[]) javaCache.unwrap(io.jadugar.jcache.spi.Store.class).iterator().next().value());
    assertEquals(JavaSerializer.ID, j.serializerId());
    m.close();
  }
}
