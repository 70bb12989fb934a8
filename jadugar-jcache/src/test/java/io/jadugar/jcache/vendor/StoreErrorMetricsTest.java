package io.jadugar.jcache.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.store.hazelcast.HazelcastCluster;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import io.jadugar.jcache.store.redis.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Store errors counted by the store, per failed request, when a real server is killed under a cache:
 * an operation that fails counts one; a read that failure mode {@code miss} answers as a miss counts
 * one too; an operation of a disconnected cache manager counts one. The servers' memory is then absent,
 * within the timeout, not an exception.
 */
class StoreErrorMetricsTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  private static CacheManager manager(String name, String... settings) {
    Properties p = new Properties();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      p.setProperty(settings[i], settings[i + 1]);
    }
    return Caching.getCachingProvider().getCacheManager(URI.create("jadugar:" + name + "-" + System.nanoTime()),
        StoreErrorMetricsTest.class.getClassLoader(), p);
  }

  private static JadugarCache<String, String> cache(CacheManager m) {
    return m.createCache("errors", new MutableConfiguration<String, String>().setTypes(String.class, String.class))
        .unwrap(JadugarCache.class);
  }

  private static long storeErrors(JadugarCache<String, String> c) {
    return c.metrics(TIMEOUT).errors().get("store");
  }

  /** The metrics, taken within the timeout and a second of slack although a server is gone. */
  private static MetricsSnapshot timed(JadugarCache<String, String> c) {
    long start = System.nanoTime();
    MetricsSnapshot m = c.metrics(TIMEOUT);
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms < TIMEOUT.toMillis() + 1_000, "metrics() took " + ms + " ms");
    return m;
  }

  @Test
  void aKilledRedisCountsEachFailedOperation() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = manager("redis-errors", "jadugar.store", "redis", "jadugar.redis.address", server.address(),
          "jadugar.redis.timeout", "1s", "jadugar.redis.connect-timeout", "1s");
      try {
        JadugarCache<String, String> c = cache(m);
        c.put("k", "v");
        assertEquals("v", c.get("k"));
        MetricsSnapshot up = timed(c);
        assertEquals(0, up.errors().get("store"));
        assertNotNull(up.serverBytes());
        server.stop();
        assertThrows(CacheException.class, () -> c.get("k"));
        assertEquals(1, storeErrors(c));
        assertThrows(CacheException.class, () -> c.put("k", "w"));
        assertEquals(2, storeErrors(c));
        assertThrows(CacheException.class, () -> c.getAll(java.util.Set.of("k", "l")));
        assertEquals(3, storeErrors(c));
        MetricsSnapshot down = timed(c);
        assertNull(down.serverBytes(), "the server's memory is unknown while it is down: " + down);
        m.unwrap(JadugarManager.class).disconnect();
        assertThrows(CacheException.class, () -> c.get("k"));
        assertEquals(4, storeErrors(c));
        // the other kinds are not the store's
        assertEquals(0, down.errors().get("writer") + down.errors().get("loader") + down.errors().get("processor"));
      } finally {
        m.close();
      }
    }
  }

  @Test
  void aKilledMemcachedCountsFailedWritesAndReadsAnsweredAsMisses() throws Exception {
    try (MemcachedServer server = MemcachedServer.launch()) {
      CacheManager m = manager("memcached-errors", "jadugar.store", "memcached", "jadugar.memcached.servers",
          server.hostPort(), "jadugar.memcached.operation-timeout", "1s");
      try {
        JadugarCache<String, String> c = cache(m);
        c.put("k", "v");
        assertEquals("v", c.get("k"));
        MetricsSnapshot up = timed(c);
        assertEquals(0, up.errors().get("store"));
        assertNotNull(up.serverBytes());
        server.stop();
        // failure mode miss (the default): the read is a miss, and still a failed request
        assertNull(c.get("k"));
        assertEquals(1, storeErrors(c));
        assertThrows(CacheException.class, () -> c.put("k", "w"));
        assertEquals(2, storeErrors(c));
        MetricsSnapshot down = timed(c);
        assertNull(down.serverBytes(), "the server's memory is unknown while it is down: " + down);
        m.unwrap(JadugarManager.class).disconnect();
        assertThrows(CacheException.class, () -> c.put("k", "w"));
        assertEquals(3, storeErrors(c));
      } finally {
        m.close();
      }
    }
  }

  @Test
  void aDisconnectedHazelcastClientCountsEachFailedOperation() throws Exception {
    try (HazelcastCluster cluster = HazelcastCluster.launch(1)) {
      CacheManager m = manager("hazelcast-errors", "jadugar.store", "hazelcast", "jadugar.hazelcast.members",
          cluster.addresses(), "jadugar.hazelcast.cluster-name", cluster.clusterName());
      try {
        JadugarCache<String, String> c = cache(m);
        c.put("k", "v");
        assertEquals("v", c.get("k"));
        MetricsSnapshot up = timed(c);
        assertEquals(0, up.errors().get("store"));
        assertEquals(2, up.roundTrips(), up.toString());
        // no cluster-wide figure without Management Center (see StoreMetricsTest.memoryBehindACache)
        assertNull(up.serverBytes());
        m.unwrap(JadugarManager.class).disconnect();
        assertThrows(CacheException.class, () -> c.get("k"));
        assertEquals(1, storeErrors(c));
        assertThrows(CacheException.class, () -> c.put("k", "w"));
        assertEquals(2, storeErrors(c));
        assertThrows(CacheException.class, () -> c.getAll(java.util.Set.of("k", "l")));
        assertEquals(3, storeErrors(c));
        assertEquals(2, c.metrics(TIMEOUT).roundTrips(), "nothing was sent while disconnected");
      } finally {
        m.close();
      }
    }
  }
}
