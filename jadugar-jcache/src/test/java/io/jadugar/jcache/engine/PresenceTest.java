package io.jadugar.jcache.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.codec.Bombs;
import io.jadugar.jcache.codec.Frame;
import io.jadugar.jcache.codec.KryoSerializer;
import io.jadugar.jcache.codec.JavaSerializer;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.testing.AllStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Present" means one thing on every store: an entry is present only if {@code get} would return
 * it. Damaged frames and values of classes outside the allow-list, planted under a cache's key in
 * real servers, are absent to every operation: each is a counted miss that writes replace. So are
 * values built to make the reader hang (a SerialDOS set), within seconds on every store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresenceTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("presence");

  /** A class the cache's allow-list does not name: its bytes must never become a value. */
  static final class Foreign implements Serializable {
    private static final long serialVersionUID = 1L;
    final String text = "foreign";
  }

  Stream<String> stores() {
    // every store that holds bytes: damage is planted as bytes
    return AllStores.NAMES.stream().filter(AllStores::holdsBytes);
  }

  private static byte[] javaBytes(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  private static byte[] frame(int serializer, int compressor, byte[] payload) {
    return new Frame((byte) serializer, (byte) compressor, -1, null, payload, 0, payload.length).toBytes();
  }

  /** Each kind of damage by name: bytes no reader may take for a value of this String cache. */
  private static Map<String, byte[]> damages() throws IOException {
    byte[] valid = frame(JavaSerializer.ID, 0, javaBytes("the real value"));
    Map<String, byte[]> d = new LinkedHashMap<>();
    d.put("garbage", "not a frame at all".getBytes());
    d.put("truncated", Arrays.copyOf(valid, valid.length - 5));
    byte[] flipped = valid.clone();
    flipped[flipped.length - 1] ^= 0x01;
    d.put("flipped bit", flipped);
    byte[] version = valid.clone();
    version[1] = 9;
    d.put("other format version", version);
    d.put("unknown serializer", frame(99, 0, new byte[] {1, 2}));
    d.put("unknown compressor", frame(JavaSerializer.ID, 9, javaBytes("x")));
    d.put("bad java payload", frame(JavaSerializer.ID, 0, new byte[] {(byte) 0xac, (byte) 0xed, 0, 5, 0x73}));
    d.put("value of another type", frame(JavaSerializer.ID, 0, javaBytes(12345)));
    d.put("class outside the allow-list", frame(JavaSerializer.ID, 0, javaBytes(new Foreign())));
    // ~1 KB of allowed java.util sets that would hash for 2^50 steps: a reader must refuse it, not hang
    d.put("SerialDOS bomb in Kryo", frame(KryoSerializer.ID, 0, Bombs.kryo(Bombs.serialDos(50))));
    d.put("SerialDOS bomb in Java", frame(JavaSerializer.ID, 0, Bombs.java(Bombs.serialDos(50))));
    return d;
  }

  private Cache<String, String> cache(String store, String name) {
    CacheManager manager = stores.manager(store);
    manager.destroyCache(name);
    return manager.createCache(name, new JadugarConfiguration<String, String>()
        .setTypes(String.class, String.class).setStatisticsEnabled(true));
  }

  private static void plant(Cache<String, String> cache, String key, byte[] bytes) {
    AllStores.plant(cache, key, bytes);
  }

  private static long corrupt(Cache<?, ?> cache) {
    return cache.unwrap(EngineCache.class).statistics().getCorruptEntries();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aDamagedEntryIsAbsentToEveryOperation(String store) throws Exception {
    Cache<String, String> cache = cache(store, "presence");
    Map<String, Consumer<Cache<String, String>>> operations = new LinkedHashMap<>();
    operations.put("containsKey", c -> assertFalse(c.containsKey("k")));
    operations.put("get", c -> assertNull(c.get("k")));
    operations.put("getAll", c -> assertEquals(Map.of("other", "o"), c.getAll(Set.of("k", "other"))));
    operations.put("iterator", c -> {
      Map<String, String> seen = new HashMap<>();
      c.forEach(e -> seen.put(e.getKey(), e.getValue()));
      assertEquals(Map.of("other", "o"), seen);
    });
    operations.put("invoke", c -> assertEquals(Boolean.FALSE, c.invoke("k", (e, a) -> e.exists())));
    operations.put("putIfAbsent", c -> {
      assertTrue(c.putIfAbsent("k", "fresh"));
      assertEquals("fresh", c.get("k"));
    });
    operations.put("replace", c -> {
      assertFalse(c.replace("k", "x"));
      assertFalse(c.containsKey("k"));
    });
    operations.put("replace(k, old, new)", c -> assertFalse(c.replace("k", "the real value", "x")));
    operations.put("getAndPut", c -> {
      assertNull(c.getAndPut("k", "new"));
      assertEquals("new", c.get("k"));
    });
    operations.put("getAndRemove", c -> assertNull(c.getAndRemove("k")));
    operations.put("remove(k, v)", c -> assertFalse(c.remove("k", "the real value")));
    operations.put("put", c -> {
      c.put("k", "healed");
      assertEquals("healed", c.get("k"));
    });
    operations.put("putAll", c -> {
      c.putAll(Map.of("k", "all"));
      assertEquals("all", c.get("k"));
    });
    cache.put("other", "o");
    for (Map.Entry<String, byte[]> damage : damages().entrySet()) {
      for (Map.Entry<String, Consumer<Cache<String, String>>> op : operations.entrySet()) {
        String what = store + ", " + damage.getKey() + ", " + op.getKey();
        plant(cache, "k", damage.getValue());
        long before = corrupt(cache);
        try {
          assertTimeoutPreemptively(Duration.ofSeconds(10), () -> op.getValue().accept(cache), what);
        } catch (AssertionError e) {
          throw new AssertionError(what + ": " + e.getMessage(), e);
        }
        // a blind write (no expiry, writer or listener needs the old entry) never reads what it replaces
        boolean blind = op.getKey().startsWith("put") && !op.getKey().equals("putIfAbsent");
        assertEquals(before + (blind ? 0 : 1), corrupt(cache), what + ": counted as corrupt once");
      }
    }
  }

  /** Events of a putAll or removeAll over damaged entries: a creation, never an update or removal of nothing. */
  @ParameterizedTest
  @MethodSource("stores")
  void batchesOverDamagedEntriesReportCreationsNotUpdates(String store) throws Exception {
    Cache<String, String> cache = cache(store, "presence-events");
    Recorder.EVENTS.clear();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Recorder.class), null, true, true));
    plant(cache, "k", "not a frame".getBytes());
    cache.putAll(Map.of("k", "v"));
    assertEquals(List.of("CREATED k v"), Recorder.EVENTS);
    Recorder.EVENTS.clear();
    plant(cache, "k", "not a frame".getBytes());
    cache.removeAll(Set.of("k"));
    assertEquals(List.of(), Recorder.EVENTS, "nothing present was removed");
    assertEquals(2, corrupt(cache));
    assertEquals(0, cache.unwrap(EngineCache.class).statistics().getCacheRemovals());
  }

  /** Records events as text, from any store's thread. */
  public static final class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    static final List<String> EVENTS = java.util.Collections.synchronizedList(new ArrayList<>());

    private static void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> EVENTS.add(e.getEventType() + " " + e.getKey() + " " + e.getValue()));
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }
  }
}
