package io.jadugar.jcache.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.LatencySnapshot;
import io.jadugar.jcache.MetricsSnapshot;
import java.net.URI;
import java.util.Properties;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metrics snapshot: latency per kind with ordered percentiles, counted only with statistics on. */
class MetricsTest {

  private final CacheManager manager = Caching.getCachingProvider().getCacheManager(
      URI.create("test:metrics"), getClass().getClassLoader(), new Properties());

  @AfterEach
  void close() {
    manager.close();
  }

  private JadugarCache<Integer, String> cache(String name, boolean statistics) {
    return manager.createCache(name, new MutableConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class).setStatisticsEnabled(statistics)).unwrap(JadugarCache.class);
  }

  @Test
  void latencyPerKindWithPercentilesInOrder() {
    JadugarCache<Integer, String> c = cache("timed", true);
    for (int i = 0; i < 50; i++) {
      c.put(i, "v" + i);
    }
    for (int i = 0; i < 100; i++) {
      c.get(i); // 50 hits, 50 misses
    }
    for (int i = 0; i < 10; i++) {
      c.remove(i);
    }
    MetricsSnapshot m = c.metrics();
    assertEquals("timed", m.cache());
    assertEquals(100, m.latency().get("get").count());
    assertEquals(50, m.latency().get("put").count());
    assertEquals(10, m.latency().get("remove").count());
    assertEquals(50, m.hits());
    assertEquals(50, m.misses());
    assertEquals(50, m.puts());
    assertEquals(10, m.removals());
    for (LatencySnapshot l : m.latency().values()) {
      assertTrue(l.mean().toNanos() > 0, l.toString());
      assertTrue(l.p50().compareTo(l.p99()) <= 0 && l.p99().compareTo(l.max()) <= 0, l.toString());
    }
    c.unwrap(io.jadugar.jcache.engine.EngineCache.class).statistics().clear();
    assertEquals(LatencySnapshot.NONE, c.metrics().latency().get("get"));
  }

  @Test
  void nothingIsTimedWithStatisticsOff() {
    JadugarCache<Integer, String> c = cache("untimed", false);
    c.put(1, "v");
    c.get(1);
    assertEquals(LatencySnapshot.NONE, c.metrics().latency().get("get"));
    assertEquals(LatencySnapshot.NONE, c.metrics().latency().get("put"));
  }
}
