package io.jadugar.jcache.health;

import static io.jadugar.jcache.health.HealthFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;

/** The embedded memory store: always up, with its size and bound; no connection to lose. */
class MemoryHealthTest {

  @Test
  void aBoundedCacheIsUpWithItsSizeAndBound() throws Exception {
    CacheManager m = manager("memory");
    try {
      Cache<String, String> bounded = m.createCache("bounded",
          new JadugarConfiguration<String, String>().setMaximumSize(100).setTypes(String.class, String.class));
      Cache<String, String> unbounded = m.createCache("unbounded", strings());
      for (int i = 0; i < 7; i++) {
        bounded.put("k" + i, "v");
      }
      unbounded.put("x", "y");
      HealthReport r = store(bounded).health(TIMEOUT);
      assertEquals(HealthStatus.UP, r.status());
      assertEquals("memory", r.store());
      assertTrue(r.servers().isEmpty());
      assertEquals(7L, r.details().get("size"), r.toString());
      assertEquals(100L, r.details().get("maximumSize"), r.toString());
      HealthReport u = store(unbounded).health(TIMEOUT);
      assertEquals(1L, u.details().get("size"), u.toString());
      assertFalse(u.details().containsKey("maximumSize") || u.details().containsKey("maximumWeight"), u.toString());
      // the manager: one store kind, so its report is that kind's
      HealthReport all = jadugar(m).health();
      assertEquals(HealthStatus.UP, all.status());
      assertEquals("memory", all.store());
      assertEquals(2, all.details().get("caches"), all.toString());
      assertEquals(8L, all.details().get("size"), all.toString());
    } finally {
      m.close();
    }
  }

  /** The documented choice: the embedded store has no connection, so its caches work on, entries kept. */
  @Test
  void disconnectLeavesMemoryCachesWorking() {
    CacheManager m = manager("memory");
    try {
      JadugarManager j = jadugar(m);
      Cache<String, String> c = m.createCache("kept", strings());
      c.put("before", "kept");
      j.disconnect();
      assertTrue(j.isConnected());
      assertEquals("kept", c.get("before"));
      c.put("during", "fine");
      j.connect();
      assertEquals("fine", c.get("during"));
      assertEquals(HealthStatus.UP, j.health().status());
    } finally {
      m.close();
    }
  }

  @Test
  void theManagerUnwrapsToItsVendorApiAndRefusesAClosedCheck() {
    CacheManager m = manager("memory");
    JadugarManager j = m.unwrap(JadugarManager.class);
    assertTrue(j == m.unwrap(io.jadugar.jcache.JadugarCacheManager.class));
    m.close();
    assertFalse(j.isConnected());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, j::health);
  }
}
