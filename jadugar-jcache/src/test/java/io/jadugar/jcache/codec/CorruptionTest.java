package io.jadugar.jcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.engine.EngineCache;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.store.memory.BytesMemoryStoreFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Corrupt bytes under real keys of a bytes store: a counted miss, never a wrong value, never an
 * exception into the application.
 */
class CorruptionTest {

  private CacheManager manager;
  private Cache<String, String> cache;
  private Store store;
  private EngineCache<?, ?> engine;
  private FrameCodec codec;

  /** Loads "loaded:" + key and counts its calls. */
  public static final class CountingLoader implements CacheLoader<String, String>, java.io.Serializable {
    static final AtomicInteger LOADS = new AtomicInteger();

    @Override
    public String load(String key) {
      LOADS.incrementAndGet();
      return "loaded:" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> out = new java.util.HashMap<>();
      keys.forEach(k -> out.put(k, load(k)));
      return out;
    }
  }

  @BeforeEach
  void open() {
    manager = Caching.getCachingProvider().getCacheManager(URI.create("test:corruption"),
        getClass().getClassLoader(), new Properties());
    cache = manager.createCache("c", new JadugarConfiguration<String, String>()
        .setStore(BytesMemoryStoreFactory.NAME).setTypes(String.class, String.class).setStatisticsEnabled(true));
    store = cache.unwrap(Store.class);
    engine = cache.unwrap(EngineCache.class);
    codec = CodecFixtures.frames(String.class);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private Object storeKey(String key) {
    return codec.encodeKey(key);
  }

  private void plant(String key, byte[] bytes) {
    store.put(new StoreEntry(storeKey(key), bytes, StoreEntry.ETERNAL));
  }

  private byte[] validFrame(String value) {
    return (byte[]) codec.encodeValue(value);
  }

  private static byte[] frame(int serializer, int compressor, byte[] payload) {
    return new Frame((byte) serializer, (byte) compressor, -1, null, payload, 0, payload.length).toBytes();
  }

  private List<byte[]> corruptions() {
    byte[] valid = validFrame("the real value");
    byte[] otherVersion = valid.clone();
    otherVersion[1] = 2;
    byte[] flipped = valid.clone();
    flipped[flipped.length - 1] ^= 0x01;
    byte[] badFlags = valid.clone();
    badFlags[4] = (byte) 0x80;
    byte[] lz4Length = new byte[] {0x7f, 0, 0, 0, 1, 2, 3};
    return List.of(
        new byte[0], new byte[] {1, 2, 3}, "not a frame at all".getBytes(),
        java.util.Arrays.copyOf(valid, valid.length / 2), otherVersion, flipped, badFlags,
        frame(99, 0, new byte[] {1, 2}),                        // unknown serializer
        frame(KryoSerializer.ID, 9, new byte[] {1, 2}),          // unknown compressor
        frame(KryoSerializer.ID, Lz4Compressor.ID, new byte[] {0, 0, 0, 20, 9, 9, 9}), // bad lz4
        frame(KryoSerializer.ID, Lz4Compressor.ID, lz4Length),   // lz4 claims 2 GB
        frame(KryoSerializer.ID, DeflateCompressor.GZIP_ID, new byte[30]), // bad gzip
        frame(KryoSerializer.ID, 0, new byte[] {(byte) 0xff, (byte) 0xff, 1}), // bad kryo
        frame(JavaSerializer.ID, 0, new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 0x73}), // bad java
        (byte[]) CodecFixtures.frames().encodeValue(12345));     // an Integer in a String cache
  }

  @Test
  void everyKindOfCorruptionIsACountedMissAndTheLoaderRuns() {
    List<byte[]> cases = corruptions();
    for (int i = 0; i < cases.size(); i++) {
      plant("k", cases.get(i));
      assertNull(cache.get("k"), "case " + i);
      assertEquals(i + 1, engine.statistics().getCorruptEntries(), "case " + i + " counted");
      assertFalse(cache.containsKey("k"), "case " + i + " dropped");
    }
    assertEquals(cases.size(), engine.statistics().getCacheMisses());

    MutableLoaderCache loaded = new MutableLoaderCache();
    loaded.plantAndRead();
  }

  /** A read-through cache over the same store kind: a corrupt entry is loaded again. */
  private final class MutableLoaderCache {
    void plantAndRead() {
      Cache<String, String> rt = manager.createCache("rt", new JadugarConfiguration<String, String>()
          .setStore(BytesMemoryStoreFactory.NAME).setTypes(String.class, String.class)
          .setReadThrough(true).setCacheLoaderFactory(FactoryBuilder.factoryOf(CountingLoader.class)));
      Store rtStore = rt.unwrap(Store.class);
      rtStore.put(new StoreEntry(storeKey("x"), new byte[] {9, 9, 9}, StoreEntry.ETERNAL));
      int before = CountingLoader.LOADS.get();
      assertEquals("loaded:x", rt.get("x"));
      assertEquals(before + 1, CountingLoader.LOADS.get());
      assertEquals("loaded:x", rt.get("x"), "the loaded value replaced the corrupt bytes");
    }
  }

  @Test
  void everyOperationTreatsACorruptEntryAsAbsent() {
    Set<String> keys = new HashSet<>(List.of("a", "b"));
    plant("a", new byte[] {1});
    plant("b", validFrame("B"));
    assertEquals(Map.of("b", "B"), cache.getAll(keys));

    plant("a", new byte[] {1});
    int seen = 0;
    for (Cache.Entry<String, String> e : cache) {
      assertEquals("b", e.getKey());
      seen++;
    }
    assertEquals(1, seen);

    plant("a", new byte[] {1});
    assertNull(cache.getAndPut("a", "new"));
    assertEquals("new", cache.get("a"));

    plant("a", new byte[] {1});
    assertFalse(cache.replace("a", "x"));
    plant("a", new byte[] {1});
    assertTrue(cache.putIfAbsent("a", "fresh"));
    assertEquals("fresh", cache.get("a"));

    plant("a", new byte[] {1});
    assertNull(cache.invoke("a", (entry, args) -> entry.exists() ? entry.getValue() : null));
    plant("a", new byte[] {1});
    assertNull(cache.getAndRemove("a"));
    plant("a", new byte[] {1});
    assertFalse(cache.remove("a", "x"));

    plant("a", new byte[] {1});
    cache.removeAll();
    assertFalse(cache.iterator().hasNext());
    assertEquals(9, engine.statistics().getCorruptEntries(), "one count per corrupt entry an operation met, removeAll() too");
  }

  @Test
  void fuzzedBytesNeverComeBackAsAnotherValue() {
    Random random = new Random(2026);
    byte[] valid = validFrame("the real value");
    int wrong = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b;
      switch (i % 4) {
        case 0:
          b = new byte[random.nextInt(64)];
          random.nextBytes(b);
          break;
        case 1:
          b = valid.clone();
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
          break;
        case 2:
          b = java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
          break;
        default:
          b = valid.clone();
          ByteBuffer.wrap(b).put(random.nextInt(b.length - 1), (byte) random.nextInt());
          break;
      }
      plant("k", b);
      String got = cache.get("k");
      if (got != null && !(got.equals("the real value") && java.util.Arrays.equals(b, valid))) {
        wrong++;
      }
    }
    assertEquals(0, wrong);
  }

  @Test
  void aFrameIsNeverAValueWhenItsBytesLie() {
    assertThrows(CorruptEntryException.class, () -> codec.decodeValue(new byte[] {(byte) 0xA7, 1, 1, 0, 0}));
    assertThrows(CorruptEntryException.class, () -> codec.decodeValue("text"));
    assertThrows(CorruptEntryException.class, () -> codec.decodeKey(new io.jadugar.jcache.spi.BinaryKey(new byte[] {'z'})));
  }
}
