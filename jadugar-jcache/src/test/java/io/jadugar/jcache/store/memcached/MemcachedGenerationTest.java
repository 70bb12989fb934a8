package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The namespace generation read together with each operation rather than by an incr of its own:
 * what it costs on the servers and in round trips, and that a clear by another cache manager (as
 * another JVM) is never missed.
 */
class MemcachedGenerationTest {

  private static List<MemcachedServer> servers = List.of();
  private static final String[] COUNTS = {"cmd_get", "get_hits", "cmd_set", "incr_hits", "incr_misses"};

  @BeforeAll
  static void start() throws Exception {
    servers = MemcachedFixture.launch(3);
  }

  @AfterAll
  static void stop() {
    servers.forEach(MemcachedServer::close);
  }

  private static MutableConfiguration<String, Integer> ints() {
    return new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class);
  }

  private static Map<String, Long> stats(MemcachedServer s) throws Exception {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String name : COUNTS) {
      m.put(name, s.stat(name));
    }
    return m;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    before.forEach((k, v) -> d.put(k, after.get(k) - v));
    return d;
  }

  private static Map<String, Long> counts(long gets, long hits, long sets) {
    return Map.of("cmd_get", gets, "get_hits", hits, "cmd_set", sets, "incr_hits", 0L, "incr_misses", 0L);
  }

  @Test
  void readsAndWritesReadTheGenerationWithAGetNotAnIncr() throws Exception {
    MemcachedServer s = servers.get(0);
    CacheManager m = MemcachedFixture.manager(List.of(s));
    try {
      Cache<String, String> c = m.createCache("counted", MemcachedFixture.strings());
      c.put("warm", "up"); // the first operation reads the generation by incr, seeding it if need be
      int n = 20;
      Map<String, String> all = new HashMap<>();
      Map<String, Long> before = stats(s);
      for (int i = 0; i < n; i++) {
        c.put("k" + i, "v" + i);
        all.put("k" + i, "v" + i);
      }
      Map<String, Long> afterPuts = stats(s);
      assertEquals(counts(n, n, n), delta(before, afterPuts), "a put is a set and a get of the generation");
      for (int i = 0; i < n; i++) {
        assertEquals("v" + i, c.get("k" + i));
      }
      Map<String, Long> afterGets = stats(s);
      assertEquals(counts(2L * n, 2L * n, 0), delta(afterPuts, afterGets), "a get is two gets, no incr");
      assertEquals(all, c.getAll(all.keySet()));
      assertEquals(counts(n + 1, n + 1, 0), delta(afterGets, stats(s)), "the generation joins getAll's multi-get");
    } finally {
      m.close();
    }
  }

  @Test
  void getPutAndGetAllTakeOneRoundTripEach() throws Exception {
    long delay = 100;
    try (DelayProxy proxy = new DelayProxy(servers.get(0), delay)) {
      CacheManager m = MemcachedFixture.manager(proxy.hostPort(), "jadugar.memcached.operation-timeout", "5s");
      try {
        Cache<String, String> c = m.createCache("round-trips", MemcachedFixture.strings());
        c.put("warm", "up");
        Map<String, String> all = new HashMap<>();
        for (int i = 0; i < 10; i++) {
          all.put("k" + i, "v" + i);
        }
        c.putAll(all);
        int n = 5;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          c.put("k" + i, "w" + i);
        }
        for (int i = 0; i < n; i++) {
          assertEquals("w" + i, c.get("k" + i));
        }
        for (int i = 0; i < n; i++) {
          assertEquals(10, c.getAll(all.keySet()).size());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        // one round trip is about `delay` ms; two each (a separate generation read) would be 2 × that
        assertTrue(ms < 3 * n * delay * 3 / 2, "15 operations took " + ms + " ms; one round trip is " + delay + " ms");
      } finally {
        m.close();
      }
    }
  }

  @Test
  void aClearByAnotherManagerIsSeenByTheNextOperationOfEveryKind() {
    CacheManager a = MemcachedFixture.manager(servers);
    CacheManager b = MemcachedFixture.manager(servers);
    try {
      Cache<String, String> ca = a.createCache("seen", MemcachedFixture.strings());
      Cache<String, String> cb = b.createCache("seen", MemcachedFixture.strings());
      for (int i = 0; i < 10; i++) {
        ca.put("k" + i, "v" + i);
      }
      assertEquals("v1", cb.get("k1"));
      cb.clear(); // a knows the old generation only
      assertNull(ca.get("k1"), "get");
      assertTrue(ca.getAll(Set.of("k2", "k3")).isEmpty(), "getAll");
      assertTrue(ca.putIfAbsent("k4", "new"), "putIfAbsent in the new generation, not the old one's k4");
      assertEquals("new", cb.get("k4"));
      ca.put("k5", "put");
      assertEquals("put", cb.get("k5"));
      ca.putAll(Map.of("k6", "all", "k7", "all"));
      assertEquals(Map.of("k6", "all", "k7", "all"), cb.getAll(Set.of("k6", "k7")));
      ca.invoke("k8", (e, x) -> {
        e.setValue(e.exists() ? "stale" : "fresh");
        return null;
      });
      assertEquals("fresh", cb.get("k8"));
      ca.clear(); // and the other way round
      assertNull(cb.get("k4"));
      assertTrue(cb.putIfAbsent("k5", "again"));
      assertEquals("again", ca.get("k5"));
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void writesRacingClearsByAnotherManagerNeverShowAValueFromBeforeAClear() throws Exception {
    CacheManager writerManager = MemcachedFixture.manager(servers);
    CacheManager clearer = MemcachedFixture.manager(servers);
    CacheManager reader = MemcachedFixture.manager(servers);
    try {
      Cache<String, Integer> w = writerManager.createCache("race", ints());
      Cache<String, Integer> cl = clearer.createCache("race", ints());
      Cache<String, Integer> r = reader.createCache("race", ints());
      AtomicInteger written = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 1; !stop.get(); i++) {
            if (i % 3 == 0) {
              w.putAll(Map.of("k", i, "other", i));
            } else {
              w.put("k", i);
            }
            written.set(i); // every value up to i is written, and its put has returned
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      writer.start();
      int seen = 0;
      try {
        for (int round = 0; round < 150 && failure.get() == null; round++) {
          int before = written.get();
          cl.clear();
          // a value whose put returned before the clear began must be gone for every manager
          for (Cache<String, Integer> c : List.of(r, cl, w)) {
            Integer v = c.get("k");
            assertTrue(v == null || v > before, "round " + round + ": saw " + v + " written before the clear ("
                + before + ")");
            seen += v == null ? 0 : 1;
          }
          Map<String, Integer> both = r.getAll(Set.of("k", "other"));
          both.values().forEach(v -> assertTrue(v > before, "getAll saw " + v + " from before " + before));
        }
      } finally {
        stop.set(true);
        writer.join(10_000);
      }
      assertNull(failure.get(), () -> "the writer failed: " + failure.get());
      assertTrue(seen > 0, "writes after the clears are seen");
      w.put("k", -1);
      assertEquals(Integer.valueOf(-1), r.get("k"), "the last write is seen by a manager that read an older generation");
    } finally {
      writerManager.close();
      clearer.close();
      reader.close();
    }
  }

  @Test
  void aLostGenerationStartsANewOneFromTheClock() throws Exception {
    MemcachedServer s = servers.get(0);
    CacheManager m = MemcachedFixture.manager(List.of(s));
    CacheManager other = MemcachedFixture.manager(List.of(s));
    try {
      Cache<String, String> c = m.createCache("lost", MemcachedFixture.strings());
      Cache<String, String> o = other.createCache("lost", MemcachedFixture.strings());
      c.put("k", "v");
      assertEquals("v", o.get("k"));
      MemcachedStore store = MemcachedFixture.store(c);
      String before = store.keyPrefix();
      assertTrue(s.send("delete " + store.generationKey(0)).startsWith("DELETED"));
      // as when memcached evicts it: a new generation, so the cache is empty rather than stale
      assertNull(c.get("k"));
      assertNull(o.get("k"));
      String after = store.keyPrefix();
      assertTrue(!after.equals(before), before + " then " + after);
      c.put("k", "w");
      assertEquals("w", o.get("k"));
    } finally {
      m.close();
      other.close();
    }
  }

  @Test
  void theCounterIsReadAsMemcachedKeepsIt() {
    assertEquals(Long.valueOf(1732510000000L), MemcachedStore.generationOf("1732510000000".getBytes()));
    assertEquals(Long.valueOf(9), MemcachedStore.generationOf("9 ".getBytes()), "a shorter decr pads with spaces");
    assertNull(MemcachedStore.generationOf(null));
    assertNull(MemcachedStore.generationOf(new byte[0]));
    assertNull(MemcachedStore.generationOf("12x".getBytes()));
    assertNull(MemcachedStore.generationOf(" 1".getBytes()));
  }
}
