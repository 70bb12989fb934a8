package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.engine.EngineCache;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The memcached store on one real memcached: keys, sizes, namespaces, expiry and corruption. */
class MemcachedStoreTest {

  private static MemcachedServer server;
  private CacheManager manager;

  @BeforeAll
  static void startServer() throws Exception {
    server = MemcachedServer.launch();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void open() {
    manager = MemcachedFixture.manager(List.of(server));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class).setStatisticsEnabled(true);
  }

  @Test
  void awkwardKeysAreEncodedAndIterationReturnsTheOriginals() {
    Cache<String, String> c = manager.createCache("keys", strings());
    Set<String> keys = Set.of("plain", "x".repeat(300), "with space", "tab\there", "nl\r\nkey", "nul\0key",
        "ünïcødé ключ 鍵", "emoji \uD83D\uDE00", "#looks-hashed", "a:b:c", "k".repeat(240));
    for (String k : keys) {
      c.put(k, "v-" + k);
    }
    for (String k : keys) {
      assertEquals("v-" + k, c.get(k), k);
    }
    Set<String> seen = new HashSet<>();
    for (Cache.Entry<String, String> e : c) {
      assertEquals("v-" + e.getKey(), e.getValue());
      seen.add(e.getKey());
    }
    assertEquals(keys, seen);
    assertTrue(c.remove("x".repeat(300)));
    assertNull(c.get("x".repeat(300)));
  }

  @Test
  void serializedKeysAreHashedAndIterationDecodesThem() {
    Cache<java.time.LocalDate, Integer> c = manager.createCache("dates",
        new MutableConfiguration<java.time.LocalDate, Integer>().setTypes(java.time.LocalDate.class, Integer.class));
    Set<java.time.LocalDate> keys = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      java.time.LocalDate d = java.time.LocalDate.of(2026, 1, 1).plusDays(i);
      keys.add(d);
      c.put(d, i);
    }
    Set<java.time.LocalDate> seen = new HashSet<>();
    c.forEach(e -> seen.add(e.getKey()));
    assertEquals(keys, seen);
    assertEquals(Integer.valueOf(3), c.get(java.time.LocalDate.of(2026, 1, 4)));
  }

  @Test
  void severalConnectionsPerServerServeOneCache() {
    CacheManager pooled = MemcachedFixture.manager(List.of(server), "jadugar.memcached.connections", "3");
    try {
      Cache<String, String> c = pooled.createCache("pooled", strings());
      for (int i = 0; i < 30; i++) {
        c.put("k" + i, "v" + i);
      }
      for (int i = 0; i < 30; i++) {
        assertEquals("v" + i, c.get("k" + i));
        assertTrue(c.replace("k" + i, "v" + i, "w" + i));
      }
    } finally {
      pooled.close();
    }
  }

  @Test
  void everyMemcachedKeyIsValid() {
    String prefix = "p:" + "c".repeat(60) + ":1700000000000:";
    for (String k : List.of("x".repeat(300), "sp ace", "ü", "ctl\u0001")) {
      String suffix = Keys.encode(("s" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8), prefix.length());
      String full = prefix + suffix;
      assertTrue(full.length() <= 250, full);
      assertTrue(full.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f), full);
      assertTrue(Keys.isHashed(suffix));
    }
    assertEquals("splain", Keys.encode("splain".getBytes(), prefix.length()));
  }

  @Test
  void anOversizedValueIsAClearErrorNamingCacheKeyAndSize() {
    Cache<String, byte[]> c = manager.createCache("big",
        new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
    byte[] big = new byte[2 * 1024 * 1024];
    new Random(1).nextBytes(big); // incompressible
    c.put("huge", new byte[] {1});
    CacheException e = assertThrows(CacheException.class, () -> c.put("huge", big));
    assertTrue(e.getMessage().contains("big") && e.getMessage().contains("'huge'")
        && e.getMessage().matches(".*\\b2097\\d{3} bytes.*"), e.getMessage());
    assertArrayEquals(new byte[] {1}, c.get("huge"), "the previous value is untouched, nothing truncated");
    assertThrows(CacheException.class, () -> c.putAll(Map.of("h2", big)));
    assertNull(c.get("h2"));
  }

  @Test
  void anOversizedValueCanBeSkippedAndCounted() throws Exception {
    CacheManager skipping = MemcachedFixture.manager(List.of(server), "jadugar.memcached.oversized-values", "skip");
    try {
      Cache<String, byte[]> c = skipping.createCache("skip",
          new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
      byte[] big = new byte[1536 * 1024];
      new Random(2).nextBytes(big);
      c.put("k", new byte[] {7});
      c.put("k", big);
      assertNull(c.get("k"), "not cached, and the old value is gone with it");
      assertEquals(1, MemcachedFixture.connection(c).oversizedSkipped.get());
      c.put("k", new byte[] {8});
      assertArrayEquals(new byte[] {8}, c.get("k"));
    } finally {
      skipping.close();
    }
  }

  @Test
  void removeAllWithNobodyToTellIsAClearNotAWalkOfEveryEntry() throws Exception {
    Cache<String, String> quiet = manager.createCache("remove-all-quiet", strings().setStatisticsEnabled(false));
    // statistics count each removal
    Cache<String, String> told = manager.createCache("remove-all-told", strings());
    for (int i = 0; i < 30; i++) {
      quiet.put("k" + i, "v" + i);
      told.put("k" + i, "v" + i);
    }
    long gets = server.stat("cmd_get");
    quiet.removeAll();
    // a clear reads each server's copy of the generation before it raises it, and reads no entry
    assertEquals(1, server.stat("cmd_get") - gets, "no entry was read");
    assertTrue(!quiet.iterator().hasNext());
    gets = server.stat("cmd_get");
    told.removeAll();
    assertTrue(server.stat("cmd_get") - gets >= 30, "each entry was read to count its removal");
    assertEquals(30, told.unwrap(io.jadugar.jcache.engine.EngineCache.class).statistics().getCacheRemovals());
  }

  @Test
  void clearOfOneCacheLeavesAnotherIntactAndIsSeenByOtherManagers() {
    Cache<String, String> a = manager.createCache("clear-a", strings());
    Cache<String, String> b = manager.createCache("clear-b", strings());
    for (int i = 0; i < 20; i++) {
      a.put("k" + i, "a" + i);
      b.put("k" + i, "b" + i);
    }
    CacheManager other = MemcachedFixture.manager(List.of(server));
    try {
      Cache<String, String> a2 = other.createCache("clear-a", strings());
      assertEquals("a3", a2.get("k3"));
      a.clear();
      assertNull(a2.get("k3"), "another manager (as another JVM) sees the clear at once");
      assertNull(a.get("k3"));
      assertTrue(!a.iterator().hasNext());
      for (int i = 0; i < 20; i++) {
        assertEquals("b" + i, b.get("k" + i));
      }
      b.removeAll(Set.of("k1", "k2"));
      assertNull(b.get("k1"));
      assertEquals("b3", b.get("k3"));
      a.put("k1", "again");
      assertEquals("again", a2.get("k1"));
      b.removeAll();
      List<String> left = new java.util.ArrayList<>();
      b.forEach(e -> left.add(e.getKey() + "=" + e.getValue()));
      assertTrue(left.isEmpty(), "left after removeAll(): " + left);
      assertEquals("again", a.get("k1"), "removeAll() of b leaves a alone");
    } finally {
      other.close();
    }
  }

  @Test
  void preciseMillisecondExpiryIsHonoured() throws Exception {
    Cache<String, String> c = manager.createCache("expiry", strings()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 400))));
    c.put("k", "v");
    long written = System.currentTimeMillis();
    Thread.sleep(150);
    assertEquals("v", c.get("k"));
    Thread.sleep(Math.max(0, written + 450 - System.currentTimeMillis()));
    // memcached still holds it (whole seconds, rounded up): the envelope's expiry says it is gone
    assertNull(c.get("k"));
  }

  @Test
  void expiryOverThirtyDaysIsSentAsAbsoluteTime() throws Exception {
    long now = 1_700_000_000_000L;
    assertEquals(0, MemcachedStore.exptime(Long.MAX_VALUE, now));
    assertEquals(2, MemcachedStore.exptime(now + 1, now));
    assertEquals(3, MemcachedStore.exptime(now + 1001, now));
    assertEquals(30L * 24 * 3600, MemcachedStore.exptime(now + (30L * 24 * 3600 - 1) * 1000, now));
    long forty = now + 40L * 24 * 3600 * 1000;
    assertEquals(forty / 1000 + 1, MemcachedStore.exptime(forty, now));

    Cache<String, String> c = manager.createCache("long", strings()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.DAYS, 40))));
    c.put("k", "v");
    String mkey = MemcachedFixture.store(c).keyPrefix() + "sk";
    // had it been sent as 3456000 relative seconds, memcached would read a 1970 date and drop it
    String dump = server.send("lru_crawler metadump all");
    String line = dump.lines().filter(l -> l.startsWith("key=" + mkey.replace(":", "%3A") + " ")
        || l.startsWith("key=" + mkey + " ")).findFirst().orElseThrow(() -> new AssertionError(dump));
    long exp = Long.parseLong(line.replaceAll(".* exp=(-?\\d+) .*", "$1"));
    long expected = System.currentTimeMillis() / 1000 + 40L * 24 * 3600;
    assertTrue(Math.abs(exp - expected) <= 5, line);
    assertEquals("v", c.get("k"));
  }

  @Test
  void corruptBytesUnderARealKeyAreACountedMiss() throws Exception {
    Cache<String, String> c = manager.createCache("corrupt", strings());
    c.put("k", "v");
    String mkey = MemcachedFixture.store(c).keyPrefix() + "sk";
    server.setRaw(mkey, "garbage, not a frame".getBytes());
    assertNull(c.get("k"));
    EngineCache<?, ?> engine = c.unwrap(EngineCache.class);
    assertEquals(1, engine.statistics().getCorruptEntries());
    c.put("k", "w");
    assertEquals("w", c.get("k"));
    // a valid envelope around a corrupt frame is a counted miss too
    byte[] env = new Envelope(Long.MAX_VALUE, null, new byte[] {(byte) 0xA7, 1, 1, 0, 0, 0, 0, 0, 0, 1}).toBytes();
    server.setRaw(mkey, env);
    assertNull(c.get("k"));
    assertEquals(2, engine.statistics().getCorruptEntries());
  }

  @Test
  void foreignDataUnderACachesKeyIsACountedMissAndIsReplaced() throws Exception {
    Cache<String, String> c = manager.createCache("foreign", strings());
    EngineCache<?, ?> engine = c.unwrap(EngineCache.class);
    String prefix = MemcachedFixture.store(c).keyPrefix();
    byte[] text = "written by another client".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] binary = {0x4D, 1, (byte) 0xFF, 0, 0x7F}; // starts like an envelope, and is cut short

    // get: a counted miss, whatever the flags
    server.setRaw(prefix + "sget", 42, text);
    assertNull(c.get("get"));
    server.setRaw(prefix + "sget2", 0, binary);
    assertNull(c.get("get2"));
    assertEquals(2, engine.statistics().getCorruptEntries());
    assertTrue(c.getAll(Set.of("get", "get2")).isEmpty());

    // containsKey: present means get would return it
    server.setRaw(prefix + "scontains", 9, text);
    long before = engine.statistics().getCorruptEntries();
    assertFalse(c.containsKey("contains"));
    assertEquals(before + 1, engine.statistics().getCorruptEntries());

    // invoke: sees no entry, and its write replaces the foreign bytes
    server.setRaw(prefix + "sinvoke", 7, text);
    assertEquals("absent", c.invoke("invoke", (e, a) -> {
      String seen = e.exists() ? "present: " + e.getValue() : "absent";
      e.setValue("mine");
      return seen;
    }));
    assertEquals("mine", c.get("invoke"));

    // put: replaces it
    server.setRaw(prefix + "sput", 65535, binary);
    c.put("put", "mine");
    assertEquals("mine", c.get("put"));

    // putIfAbsent: the foreign bytes are no entry
    server.setRaw(prefix + "sabsent", 3, text);
    assertTrue(c.putIfAbsent("absent", "mine"));
    assertEquals("mine", c.get("absent"));
    assertTrue(engine.statistics().getCorruptEntries() >= 4);
  }

  @Test
  void conditionalOperationsAndBatches() {
    Cache<String, String> c = manager.createCache("ops", strings());
    assertTrue(c.putIfAbsent("a", "1"));
    assertTrue(!c.putIfAbsent("a", "2"));
    assertTrue(c.replace("a", "1", "3"));
    assertTrue(!c.replace("a", "1", "4"));
    assertEquals("3", c.getAndPut("a", "5"));
    assertTrue(!c.remove("a", "3"));
    assertTrue(c.remove("a", "5"));
    assertNull(c.get("a"));
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      m.put("b" + i, "v" + i);
    }
    c.putAll(m);
    assertEquals(m, c.getAll(m.keySet()));
    assertEquals(Integer.valueOf(7), c.invoke("b1", (e, args) -> {
      e.setValue("x");
      return 7;
    }));
    assertEquals("x", c.get("b1"));
    assertNotNull(c.getAndRemove("b2"));
    assertNull(c.get("b2"));
  }
}
