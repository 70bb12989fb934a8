package io.jadugar.jcache.health;

import static io.jadugar.jcache.health.HealthFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.EachEntryWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;

/** Health, connect/disconnect and state events of the Redis store, on a real server and a real 3-master Cluster. */
class RedisHealthTest {

  private static CacheManager single(RedisServer server) {
    return manager("redis", "jadugar.store", "redis", "jadugar.redis.address", server.address(),
        "jadugar.redis.timeout", "1s", "jadugar.redis.connect-timeout", "1s");
  }

  private static String hostPort(RedisServer s) {
    return "127.0.0.1:" + s.port();
  }

  @Test
  void aLiveServerIsUpWithAMeasuredRoundTrip() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = single(server);
      try {
        Cache<String, String> c = m.createCache("up", strings());
        c.put("k", "v");
        HealthReport r = timed(jadugar(m));
        assertAllUp(r, "redis", 1);
        assertEquals(hostPort(server), r.servers().get(0).address());
        assertEquals("single", r.details().get("mode"));
        // the cache's own store answers with the same check
        assertAllUp(store(c).health(TIMEOUT), "redis", 1);
      } finally {
        m.close();
      }
    }
  }

  @Test
  void aKilledServerIsDownWithinTheTimeoutAndUpAgainWhenItReturns() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = single(server);
      try {
        JadugarManager j = jadugar(m);
        Recorder events = new Recorder();
        j.addStoreStateListener(events);
        Cache<String, String> c = m.createCache("down", strings());
        c.put("k", "v");
        server.stop();
        // the first check after the kill already says so, within its timeout
        HealthReport down = timed(j);
        assertEquals(HealthStatus.DOWN, down.status(), down.toString());
        assertSilent(down, hostPort(server));
        events.await("down " + hostPort(server), 10);
        server.start();
        awaitHealth(j, 30, r -> r.status() == HealthStatus.UP);
        events.await("up " + hostPort(server), 30);
        assertTrue(events.heard.indexOf("down " + hostPort(server)) < events.heard.indexOf("up " + hostPort(server)),
            events.heard.toString());
        // the error stays on record after the server is back, with its time
        assertSilentBefore(timed(j), hostPort(server));
      } finally {
        m.close();
      }
    }
  }

  /**
   * A frozen server (SIGSTOP) keeps its connections open and answers nothing: the check cannot learn
   * it from a closed socket and must give up at its timeout. Both the manager's and the cache's own
   * check say DOWN within the timeout (plus slack), naming the server and why; after SIGCONT the
   * same client is UP again and the cache serves what it held.
   */
  @Test
  void aFrozenServerIsDownWithinTheTimeoutAndUpAgainWhenThawed() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = single(server);
      try {
        JadugarManager j = jadugar(m);
        Cache<String, String> c = m.createCache("frozen", strings());
        c.put("k", "v");
        assertAllUp(timed(j), "redis", 1);
        server.pause();
        try {
          long start = System.nanoTime();
          HealthReport down = timed(j);
          long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          System.out.println("redis frozen: manager health " + down.status() + " after " + tookMs + " ms: " + down);
          assertEquals(HealthStatus.DOWN, down.status(), down.toString());
          assertSilent(down, hostPort(server));
          String error = down.server(hostPort(server)).lastError();
          // the check's own deadline or Redisson's command timeout, whichever fires first: both say it timed out
          assertTrue(error.contains(hostPort(server)) && (error.contains("within " + TIMEOUT.toMillis() + " ms")
              || error.contains("timed out")), error);
          // the cache's own check asks the same server, with the same bound
          HealthReport ofCache = timedCache(c);
          assertEquals(HealthStatus.DOWN, ofCache.status(), ofCache.toString());
          assertSilent(ofCache, hostPort(server));
        } finally {
          server.resume();
        }
        HealthReport up = awaitHealth(j, 30, r -> r.status() == HealthStatus.UP);
        assertAllUp(up, "redis", 1);
        // the error of the frozen spell stays on record, with its time
        assertSilentBefore(up, hostPort(server));
        assertEquals("v", c.get("k"));
        c.put("k", "thawed");
        assertEquals("thawed", c.get("k"));
      } finally {
        m.close();
      }
    }
  }

  /** The server answers now, and its last error is still reported. */
  private static void assertSilentBefore(HealthReport r, String address) {
    ServerHealth s = r.server(address);
    assertTrue(s.answered() && s.lastError() != null && s.lastErrorAt() != null, s.toString());
  }

  @Test
  void aManagerOnTwoKindsOfStoreJoinsTheirReportsAndIsDegradedWhenOneIsDown() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = single(server);
      try {
        m.createCache("remote", strings()).put("k", "v");
        Cache<String, String> local = m.createCache("local",
            new io.jadugar.jcache.configuration.JadugarConfiguration<String, String>().setStore("memory")
                .setTypes(String.class, String.class));
        local.put("k", "v");
        HealthReport up = timed(jadugar(m));
        assertEquals(HealthStatus.UP, up.status(), up.toString());
        assertEquals(java.util.Set.of("redis", "memory"), up.details().keySet(), up.toString());
        assertTrue(up.store().equals("redis+memory") || up.store().equals("memory+redis"), up.store());
        assertEquals(1, up.servers().size(), up.toString());
        server.stop();
        HealthReport half = timed(jadugar(m));
        // the memory caches still serve: the manager half works
        assertEquals(HealthStatus.DEGRADED, half.status(), half.toString());
        assertEquals(HealthStatus.DOWN, ((HealthReport) half.details().get("redis")).status());
        assertEquals(HealthStatus.UP, ((HealthReport) half.details().get("memory")).status());
        assertEquals("v", local.get("k"));
      } finally {
        m.close();
      }
    }
  }

  @Test
  void disconnectFailsOperationsAtOnceAndConnectBringsTheSameCacheBack() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = single(server);
      try {
        Cache<String, String> c = m.createCache("lifecycle", strings());
        disconnectAndReconnect(m, c);
        // the entry written before the disconnect was in Redis all along
        assertTrue(server.cli("KEYS", "*lifecycle*").contains("before"), server.cli("KEYS", "*"));
        assertAllUp(timed(jadugar(m)), "redis", 1);
      } finally {
        m.close();
      }
    }
  }

  /**
   * A cache with a writer takes a key lock in Redis around each write (Redis's compute may retry);
   * after disconnect() and connect() those locks must be taken through the new client, not the
   * one the disconnect shut down.
   */
  @Test
  void aWriteThroughCacheWritesAgainAfterAReconnect() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = single(server);
      try {
        List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        Cache<String, String> c = m.createCache("written", strings().setWriteThrough(true)
            .setCacheWriterFactory(javax.cache.configuration.FactoryBuilder.factoryOf(new Written(written))));
        c.put("k", "before");
        assertTrue(c.replace("k", "before", "still before"));
        jadugar(m).disconnect();
        jadugar(m).connect();
        c.put("k", "after");
        assertTrue(c.replace("k", "after", "replaced after"));
        assertEquals("replaced after", c.get("k"));
        assertEquals(List.of("k=before", "k=still before", "k=after", "k=replaced after"), written);
      } finally {
        m.close();
      }
    }
  }

  /** A writer that records {@code key=value} of each write in a list of this JVM. */
  static final class Written extends EachEntryWriter<String, String> implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient List<String> writes;

    Written(List<String> writes) {
      this.writes = writes;
    }

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      writes.add(entry.getKey() + "=" + entry.getValue());
    }

    @Override
    public void delete(Object key) {
      writes.add(key + " deleted");
    }

  }

  @Test
  void listenersOfACacheHearOtherManagersAgainAfterAReconnect() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      CacheManager m = single(server);
      CacheManager other = single(server);
      try {
        Cache<String, String> c = m.createCache("heard", strings());
        List<String> created = new java.util.concurrent.CopyOnWriteArrayList<>();
        c.registerCacheEntryListener(new javax.cache.configuration.MutableCacheEntryListenerConfiguration<>(
            javax.cache.configuration.FactoryBuilder.factoryOf(new CreatedKeys(created)), null, false, true));
        jadugar(m).disconnect();
        jadugar(m).connect();
        other.createCache("heard", strings()).put("from-elsewhere", "v");
        awaitTrue(() -> created.contains("from-elsewhere"), 10, created::toString);
      } finally {
        m.close();
        other.close();
      }
    }
  }

  /** Records the keys of created events. */
  static final class CreatedKeys implements javax.cache.event.CacheEntryCreatedListener<String, String>,
      java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final transient List<String> keys;

    CreatedKeys(List<String> keys) {
      this.keys = keys;
    }

    @Override
    public void onCreated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> keys.add(e.getKey()));
    }
  }

  @Test
  void aClusterIsUpOnEveryMasterAndDegradedWhenOneIsKilled() throws Exception {
    try (RedisServer.Cluster cluster = RedisServer.Cluster.launch()) {
      CacheManager m = manager("redis-cluster", "jadugar.store", "redis", "jadugar.redis.cluster.nodes",
          cluster.addresses(), "jadugar.redis.timeout", "1s", "jadugar.redis.connect-timeout", "1s");
      try {
        JadugarManager j = jadugar(m);
        Recorder events = new Recorder();
        j.addStoreStateListener(events);
        m.createCache("spread", strings()).put("k", "v");
        HealthReport up = timed(j);
        assertAllUp(up, "redis", 3);
        assertEquals("ok", up.details().get("clusterState"), up.toString());
        for (RedisServer n : cluster.nodes()) {
          assertTrue(up.server(hostPort(n)) != null, hostPort(n) + " in " + up);
        }
        RedisServer lost = cluster.nodes().get(1);
        lost.stop();
        // no replica can take over: the lost master's slots have no server, the others serve theirs
        HealthReport degraded = timed(j);
        assertEquals(HealthStatus.DEGRADED, degraded.status(), degraded.toString());
        assertSilent(degraded, hostPort(lost));
        for (RedisServer n : cluster.nodes()) {
          if (n != lost) {
            assertTrue(degraded.server(hostPort(n)).answered(), degraded.toString());
          }
        }
        events.await("down " + hostPort(lost), 10);
        // once the others mark it failed (cluster-node-timeout), the cluster itself says it lacks slots
        RedisServer alive = cluster.nodes().get(0);
        awaitTrue(() -> cli(alive, "CLUSTER", "INFO").contains("cluster_state:fail"), 30, () -> "cluster_state:fail");
        HealthReport failed = timed(j);
        // Redisson keeps the failed master in its view (no replica replaced it): still named, still silent
        assertEquals(HealthStatus.DEGRADED, failed.status(), failed.toString());
        assertSilent(failed, hostPort(lost));
        assertEquals("fail", failed.details().get("clusterState"), failed.toString());
      } finally {
        m.close();
      }
    }
  }

  /**
   * One master of the 3-master Cluster frozen (SIGSTOP): it holds its connections and answers
   * nothing, so the check waits out its timeout on it alone while the two others answer: DEGRADED
   * within the timeout, the frozen master named with a timeout error. After SIGCONT it answers
   * again and the report is UP, once the Cluster agrees it is whole (its own failure detection may
   * have marked the master failed meanwhile).
   */
  @Test
  void aFrozenClusterMasterIsDegradedWithinTheTimeoutAndUpWhenThawed() throws Exception {
    try (RedisServer.Cluster cluster = RedisServer.Cluster.launch()) {
      CacheManager m = manager("redis-cluster", "jadugar.store", "redis", "jadugar.redis.cluster.nodes",
          cluster.addresses(), "jadugar.redis.timeout", "1s", "jadugar.redis.connect-timeout", "1s");
      try {
        JadugarManager j = jadugar(m);
        Cache<String, String> c = m.createCache("frozen-master", strings());
        for (int i = 0; i < 30; i++) {
          c.put("k" + i, "v" + i); // some key on every master
        }
        assertAllUp(timed(j), "redis", 3);
        RedisServer frozen = cluster.nodes().get(2);
        frozen.pause();
        try {
          long start = System.nanoTime();
          HealthReport r = timed(j);
          long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          System.out.println("cluster master frozen: health " + r.status() + " after " + tookMs + " ms: " + r);
          assertEquals(HealthStatus.DEGRADED, r.status(), r.toString());
          assertSilent(r, hostPort(frozen));
          String error = r.server(hostPort(frozen)).lastError();
          assertTrue(error.contains("within " + TIMEOUT.toMillis() + " ms") || error.contains("timed out"), r.toString());
          for (RedisServer n : cluster.nodes()) {
            if (n != frozen) {
              ServerHealth s = r.server(hostPort(n));
              assertTrue(s.answered() && s.roundTrip().compareTo(TIMEOUT) <= 0, r.toString());
            }
          }
          HealthReport ofCache = timedCache(c);
          assertEquals(HealthStatus.DEGRADED, ofCache.status(), ofCache.toString());
          assertSilent(ofCache, hostPort(frozen));
        } finally {
          frozen.resume();
        }
        HealthReport up = awaitHealth(j, 30, x -> x.status() == HealthStatus.UP);
        assertAllUp(up, "redis", 3);
        assertEquals("ok", up.details().get("clusterState"), up.toString());
        for (int i = 0; i < 30; i++) {
          assertEquals("v" + i, c.get("k" + i)); // the thawed master kept its share
        }
      } finally {
        m.close();
      }
    }
  }

  /** The cache's own health check, which must return within the timeout plus slack too. */
  private static HealthReport timedCache(Cache<String, String> c) {
    long start = System.nanoTime();
    HealthReport r = c.unwrap(JadugarCache.class).health(TIMEOUT);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(TIMEOUT.plus(SLACK)) <= 0, "the cache's health() took " + took.toMillis() + " ms: " + r);
    return r;
  }

  private static String cli(RedisServer s, String... args) {
    try {
      return s.cli(args);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
