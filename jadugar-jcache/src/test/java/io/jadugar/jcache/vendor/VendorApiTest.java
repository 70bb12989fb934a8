package io.jadugar.jcache.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.VendorEvent;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.testing.AllStores;
import io.jadugar.jcache.JadugarManager;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The vendor API on every store: reached by unwrap, per-entry time to live enforced by the store
 * itself, metadata that rides inside the entry, the validity hook on every read path, vendor events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VendorApiTest {

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("vendor");

  Stream<String> bytes() {
    return AllStores.NAMES.stream().filter(AllStores::holdsBytes);
  }

  private JadugarCache<String, String> cache(String store, String name, javax.cache.configuration.MutableConfiguration<String, String> config) {
    CacheManager m = stores.manager(store);
    m.destroyCache(name);
    Cache<String, String> c = m.createCache(name, config.setTypes(String.class, String.class));
    JadugarCache<String, String> vendor = c.unwrap(JadugarCache.class);
    assertSame(c, m.getCache(name, String.class, String.class));
    return vendor;
  }

  private JadugarCache<String, String> cache(String store, String name) {
    return cache(store, name, new JadugarConfiguration<>());
  }

  private static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void anEntrysOwnTimeToLiveOverridesThePolicyAndTheStoreEnforcesIt(String store) throws Exception {
    // the policy says an hour; the entry says a second
    JadugarCache<String, String> c = cache(store, "ttl", new JadugarConfiguration<String, String>()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(javax.cache.expiry.Duration.ONE_HOUR)));
    long before = System.currentTimeMillis();
    c.put("short", "v", EntryOptions.ttl(Duration.ofMillis(2500)));
    EntryInfo<String, String> info = c.getEntry("short");
    long at = info.expiresAt().toEpochMilli();
    // never late; early by at most the lag of the clock a long time to live starts from (RecentClock)
    assertTrue(at >= before + 2500 - 500 && at <= System.currentTimeMillis() + 2500, store + ": expires at " + info.expiresAt());
    c.put("long", "v");
    assertTrue(c.putIfAbsent("short2", "v", EntryOptions.ttl(Duration.ofMillis(2500))));
    assertNull(c.getAndPut("short3", "v", EntryOptions.ttl(Duration.ofMillis(2500))));
    c.putAll(Map.of("short4", "v"), EntryOptions.ttl(Duration.ofMillis(2500)));
    long lastWrite = System.currentTimeMillis();
    assertTrue(c.getEntry("long").expiresAt().isAfter(Instant.now().plusSeconds(3000)));
    // past the last of the four entries' own time (a loaded machine may take a while to write them)
    Thread.sleep(Math.max(0, lastWrite + 2600 - System.currentTimeMillis()));
    for (String k : List.of("short", "short2", "short3", "short4")) {
      assertNull(c.get(k), store + ": " + k + " expired");
    }
    assertEquals("v", c.get("long"));
    // gone from the store itself, not only hidden by the engine: nobody reads the key meanwhile
    c.put("unread", "v", EntryOptions.ttl(Duration.ofMillis(500)));
    Store raw = c.unwrap(Store.class);
    Object storeKey = AllStores.holdsBytes(store) ? AllStores.storeKey("unread") : "unread";
    eventually(store + ": the store drops the entry on its own", () -> raw.get(storeKey) == null);
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void anEntrysOwnTimeToLiveInAnEternalCacheIsDroppedByTheStoreToo(String store) throws Exception {
    // no expiry policy: the memory store keeps no Caffeine timers, yet the entry must go on time
    JadugarCache<String, String> c = cache(store, "ttl-eternal");
    c.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Expired.class), null, false, true));
    Expired.KEYS.clear();
    c.put("short", "v", EntryOptions.ttl(Duration.ofMillis(300)));
    c.put("replaced", "v", EntryOptions.ttl(Duration.ofMillis(300)));
    c.put("replaced", "w");
    Store raw = c.unwrap(Store.class);
    Object storeKey = AllStores.holdsBytes(store) ? AllStores.storeKey("short") : "short";
    eventually(store + ": the store drops the entry on its own", () -> raw.get(storeKey) == null);
    assertEquals("w", c.get("replaced"), "a later write without a time to live stays");
    if (store.startsWith("memory")) {
      eventually("EXPIRED heard for the dropped entry", () -> Expired.KEYS.contains("short"));
    }
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void replaceWithOptionsCarriesMetadataAndItsOwnTimeToLive(String store) {
    JadugarCache<String, String> c = cache(store, "replace-options");
    EntryOptions options = EntryOptions.ttl(Duration.ofMinutes(5)).withMetadata("tag:a", "1");
    assertFalse(c.replace("k", "v", options), "nothing to replace");
    assertNull(c.getEntry("k"));
    c.put("k", "v");
    assertFalse(c.replace("k", "other", "w", options), "the old value differs");
    assertEquals(Map.of(), c.getEntry("k").metadata());
    assertTrue(c.replace("k", "v", "w", options));
    EntryInfo<String, String> info = c.getEntry("k");
    assertEquals("w", info.value());
    assertEquals(Map.of("tag:a", "1"), info.metadata());
    assertTrue(info.expiresAt() != null && info.expiresAt().isAfter(Instant.now().plusSeconds(200)), "its own TTL");
    assertEquals("w", c.getAndReplace("k", "x", EntryOptions.NONE.withMetadata("tag:b", "2")));
    info = c.getEntry("k");
    assertEquals(Map.of("tag:b", "2"), info.metadata());
    assertTrue(c.replace("k", "y", EntryOptions.NONE.withMetadata("tag:c", "3")));
    assertEquals(Map.of("tag:c", "3"), c.getEntry("k").metadata());
    assertTrue(c.replace("k", "z"));
    assertEquals(Map.of(), c.getEntry("k").metadata(), "a standard replace drops the metadata");
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void metadataRidesInTheEntryAndAStandardWriteDropsIt(String store) {
    JadugarCache<String, String> c = cache(store, "meta");
    long before = System.currentTimeMillis();
    c.put("k", "v", EntryOptions.NONE.withMetadata("tag:a", "7").withMetadata("source", "orders"));
    EntryInfo<String, String> info = c.getEntry("k");
    assertEquals("v", info.value());
    assertEquals(Map.of("tag:a", "7", "source", "orders"), info.metadata());
    assertTrue(info.writtenAt().toEpochMilli() >= before && !info.writtenAt().isAfter(Instant.now()));
    assertNull(info.expiresAt(), "eternal");
    assertEquals("v", c.get("k"), "a standard read sees the value only");
    assertEquals(Map.of("k", "v"), c.getAll(Set.of("k")));
    c.put("k", "w");
    info = c.getEntry("k");
    assertEquals(Map.of(), info.metadata());
    assertNull(info.writtenAt(), "a standard write keeps no metadata");
    assertNull(c.getEntry("absent"));
  }

  /** Hears EXPIRED events. */
  public static final class Expired implements CacheEntryExpiredListener<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    static final List<String> KEYS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> KEYS.add(e.getKey()));
    }
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void anEntryAValidityCheckRefusesIsExpiredOnEveryReadPath(String store) throws Exception {
    JadugarCache<String, String> c = cache(store, "valid");
    io.jadugar.jcache.ValidityCheck check = m -> !"stale".equals(m.values().get("state"));
    c.addValidityCheck(check);
    Expired.KEYS.clear();
    c.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(Expired.class), null, false, true));
    EntryOptions stale = EntryOptions.NONE.withMetadata("state", "stale");
    Map<String, java.util.function.Consumer<JadugarCache<String, String>>> reads = new java.util.LinkedHashMap<>();
    reads.put("get", x -> assertNull(x.get("k")));
    reads.put("containsKey", x -> assertFalse(x.containsKey("k")));
    reads.put("getAll", x -> assertEquals(Map.of(), x.getAll(Set.of("k"))));
    reads.put("iterator", x -> x.forEach(e -> assertFalse(e.getKey().equals("k"))));
    reads.put("invoke", x -> assertEquals(Boolean.FALSE, x.invoke("k", (e, a) -> e.exists())));
    reads.put("getAndPut", x -> assertNull(x.getAndPut("k", "new")));
    reads.put("getAndRemove", x -> assertNull(x.getAndRemove("k")));
    reads.put("replace", x -> assertFalse(x.replace("k", "x")));
    reads.put("remove(k, v)", x -> assertFalse(x.remove("k", "v")));
    reads.put("putIfAbsent", x -> assertTrue(x.putIfAbsent("k", "fresh")));
    reads.put("getEntry", x -> assertNull(x.getEntry("k")));
    long expected = 0;
    for (Map.Entry<String, java.util.function.Consumer<JadugarCache<String, String>>> read : reads.entrySet()) {
      c.put("k", "v", stale);
      c.put("fine", "v", EntryOptions.NONE.withMetadata("state", "fresh"));
      read.getValue().accept(c);
      if (read.getKey().equals("containsKey") || read.getKey().equals("iterator")) {
        // they skip an expired entry without reporting it, and so an invalid one; the next read reports it
        assertEquals(expected, Expired.KEYS.stream().filter("k"::equals).count(),
            store + ": " + read.getKey() + " reports nothing");
        assertNull(c.get("k"));
      }
      expected++;
      assertEquals(expected, Expired.KEYS.stream().filter("k"::equals).count(),
          store + ", " + read.getKey() + ": heard as expired");
      assertEquals("v", c.get("fine"), store + ", " + read.getKey() + ": a valid entry stays");
    }
    // dropped from the store, not only hidden
    c.put("gone", "v", stale);
    assertNull(c.get("gone"));
    Store raw = c.unwrap(Store.class);
    assertNull(raw.get(AllStores.holdsBytes(store) ? AllStores.storeKey("gone") : "gone"));
    // entries without metadata are never asked about; without the check the stale entry is back
    c.put("plain", "v");
    assertEquals("v", c.get("plain"));
    c.put("k", "v", stale);
    c.removeValidityCheck(check);
    assertEquals("v", c.get("k"), "without the check the entry is valid again");
  }

  @ParameterizedTest
  @MethodSource("bytes")
  void aCorruptEntryIsAVendorEvent(String store) throws Exception {
    JadugarCache<String, String> c = cache(store, "corrupt-event");
    List<VendorEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    c.addVendorListener(heard::add);
    c.addVendorListener(e -> {
      throw new IllegalStateException("a failing listener fails nobody");
    });
    AllStores.plant(c, "k", "not a frame".getBytes());
    assertNull(c.get("k"));
    eventually("CORRUPT_ENTRY heard", () -> !heard.isEmpty());
    VendorEvent e = heard.get(0);
    assertEquals(VendorEvent.Type.CORRUPT_ENTRY, e.type());
    assertEquals("corrupt-event", e.cache());
    assertEquals("k", e.key());
    assertNotNull(e.detail());
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void flushReturnsAtOnceWithoutAFlushableWriter(String store) {
    JadugarCache<String, String> c = cache(store, "flush");
    c.put("k", "v");
    c.flush();
    stores.manager(store).unwrap(JadugarManager.class).flush();
    assertEquals("v", c.get("k"));
    assertTrue(c.metrics().writer().isEmpty(), "no writer, nothing it reports");
  }

  /** A writer that only counts its flushes; a flush fails once {@code fail} is set. */
  public static final class FlushableWriter implements javax.cache.integration.CacheWriter<String, String>,
      java.io.Flushable, io.jadugar.jcache.WriterMetrics, Serializable {
    static final java.util.concurrent.atomic.AtomicInteger FLUSHES = new java.util.concurrent.atomic.AtomicInteger();
    static volatile boolean fail;

    @Override
    public void flush() throws java.io.IOException {
      if (fail) {
        throw new java.io.IOException("journal full");
      }
      FLUSHES.incrementAndGet();
    }

    @Override
    public java.util.Map<String, Long> writerMetrics() {
      return java.util.Map.of("flushes", (long) FLUSHES.get());
    }

    @Override
    public void write(javax.cache.Cache.Entry<? extends String, ? extends String> entry) {}

    @Override
    public void writeAll(java.util.Collection<javax.cache.Cache.Entry<? extends String, ? extends String>> entries) {}

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(java.util.Collection<?> keys) {}
  }

  @Test
  void flushFlushesAFlushableWriterThroughTheCacheAndTheManagerAndMetricsCarryItsReport() {
    JadugarCache<String, String> c = cache("memory", "flush-writer", new JadugarConfiguration<String, String>()
        .setWriteThrough(true)
        .setCacheWriterFactory(javax.cache.configuration.FactoryBuilder.factoryOf(FlushableWriter.class)));
    FlushableWriter.fail = false;
    int before = FlushableWriter.FLUSHES.get();
    c.flush();
    assertEquals(before + 1, FlushableWriter.FLUSHES.get());
    stores.manager("memory").unwrap(JadugarManager.class).flush();
    assertEquals(before + 2, FlushableWriter.FLUSHES.get());
    assertEquals(java.util.Map.of("flushes", (long) before + 2), c.metrics().writer(), "what the writer reports");
    FlushableWriter.fail = true;
    try {
      javax.cache.integration.CacheWriterException e =
          assertThrows(javax.cache.integration.CacheWriterException.class, c::flush);
      assertTrue(e.getMessage().contains("flush-writer") && e.getMessage().contains("journal full"), e.getMessage());
    } finally {
      FlushableWriter.fail = false;
      stores.manager("memory").destroyCache("flush-writer");
    }
  }

  @ParameterizedTest
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void theCachesHealthIsItsStoresMeasuredHealth(String store) {
    JadugarCache<String, String> c = cache(store, "health");
    c.put("k", "v");
    io.jadugar.jcache.health.HealthReport h = c.health();
    assertEquals(io.jadugar.jcache.health.HealthStatus.UP, h.status(), h.toString());
    if (store.startsWith("redis") || store.startsWith("memcached") || store.equals("hazelcast")) {
      assertEquals(store.startsWith("redis") ? "redis" : store.startsWith("memcached") ? "memcached" : "hazelcast",
          h.store());
      assertFalse(h.servers().isEmpty());
      assertTrue(h.servers().stream().allMatch(s -> s.answered() && s.roundTrip().toNanos() > 0), h.toString());
    } else {
      assertEquals(1, ((Number) h.details().get("size")).intValue(), h.toString());
    }
  }

  @org.junit.jupiter.api.Test
  void aStoreGoingDownAndComingBackAreVendorEvents() throws Exception {
    try (io.jadugar.jcache.store.redis.RedisServer server = io.jadugar.jcache.store.redis.RedisServer.launch()) {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("jadugar.redis.timeout", "500ms");
      p.setProperty("jadugar.redis.retry-attempts", "0");
      CacheManager m = new io.jadugar.jcache.JadugarCachingProvider().getCacheManager(
          java.net.URI.create(server.address() + "/states"), getClass().getClassLoader(), p);
      try {
        JadugarCache<String, String> c = m.createCache("states", new javax.cache.configuration.MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)).unwrap(JadugarCache.class);
        List<VendorEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        c.addVendorListener(heard::add);
        c.put("k", "v");
        server.stop();
        eventually("STORE_DOWN heard", () -> heard.stream().anyMatch(e -> e.type() == VendorEvent.Type.STORE_DOWN));
        assertEquals(io.jadugar.jcache.health.HealthStatus.DOWN, c.health().status());
        server.start();
        eventually("STORE_UP heard", () -> heard.stream().anyMatch(e -> e.type() == VendorEvent.Type.STORE_UP));
        VendorEvent down = heard.stream().filter(e -> e.type() == VendorEvent.Type.STORE_DOWN).findFirst().get();
        assertTrue(down.detail().contains(String.valueOf(server.port())), down.toString());
        assertEquals("states", down.cache());
      } finally {
        m.close();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void anEntryDroppedByTheMemoryBoundIsAnEvictedEvent() throws Exception {
    JadugarCache<String, String> c = cache("memory", "evicting",
        new JadugarConfiguration<String, String>().setMaximumSize(10));
    List<VendorEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    c.addVendorListener(heard::add);
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      many.put("k" + i, "v");
    }
    c.putAll(many);
    eventually("EVICTED heard", () -> heard.size() >= 150);
    assertTrue(heard.stream().allMatch(e -> e.type() == VendorEvent.Type.EVICTED && many.containsKey((String) e.key())),
        heard.toString());
  }
}
