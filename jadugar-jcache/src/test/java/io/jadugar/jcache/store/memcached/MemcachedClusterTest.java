package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The memcached store on three real servers: hashing, multi-gets, a server dying and returning, two JVMs. */
class MemcachedClusterTest {

  private static List<MemcachedServer> servers = List.of();

  @BeforeAll
  static void start() throws Exception {
    servers = MemcachedFixture.launch(3);
  }

  @AfterAll
  static void stop() {
    servers.forEach(MemcachedServer::close);
  }

  @Test
  void getAllIsOneMultiGetPerServer() throws Exception {
    CacheManager m = MemcachedFixture.manager(servers);
    try {
      Cache<String, String> c = m.createCache("multi", MemcachedFixture.strings());
      Map<String, String> all = new HashMap<>();
      for (int i = 0; i < 90; i++) {
        all.put("key" + i, "v" + i);
      }
      c.putAll(all);
      long[] before = new long[3];
      for (int i = 0; i < 3; i++) {
        before[i] = servers.get(i).stat("cmd_get");
        assertTrue(servers.get(i).stat("curr_items") > 0, "ketama spreads keys over every server");
      }
      MemcachedConnection conn = MemcachedFixture.connection(c);
      long multiGets = conn.multiGets.get();
      assertEquals(all, c.getAll(all.keySet()));
      assertEquals(3, conn.multiGets.get() - multiGets, "one multi-get request per server");
      long gets = 0;
      for (int i = 0; i < 3; i++) {
        gets += servers.get(i).stat("cmd_get") - before[i];
      }
      // each server's copy of the namespace generation rides in its multi-get, no incr of its own
      assertEquals(93, gets, "each key fetched once, and each server's generation with them");
      c.removeAll(all.keySet());
      assertTrue(c.getAll(all.keySet()).isEmpty());
    } finally {
      m.close();
    }
  }

  @Test
  void aDeadServersKeysAreMissesItsWritesFailAndItIsUsedAgainWhenItReturns() throws Exception {
    CacheManager m = MemcachedFixture.manager(servers, "jadugar.memcached.reconnect-delay", "1s",
        "jadugar.memcached.operation-timeout", "1s");
    Cache<String, String> c = m.createCache("restart", MemcachedFixture.strings());
    MemcachedServer victim = servers.get(1);
    try {
      for (int i = 0; i < 60; i++) {
        c.put("k" + i, "v" + i);
      }
      long onVictim = victim.stat("curr_items");
      assertTrue(onVictim > 0);
      victim.stop();
      int hits = 0;
      for (int i = 0; i < 60; i++) {
        if (("v" + i).equals(c.get("k" + i))) {
          hits++;
        }
      }
      assertTrue(hits > 0 && hits < 60, "the other servers keep serving; the dead one's keys miss: " + hits);
      int failed = 0;
      for (int i = 0; i < 60; i++) {
        try {
          c.put("k" + i, "w" + i);
          assertEquals("w" + i, c.get("k" + i));
        } catch (CacheException e) {
          // never sent to another server, where a later outage would read it back stale
          assertTrue(e.getMessage().contains("memcached at 127.0.0.1:" + victim.port() + " is down"), e.getMessage());
          failed++;
        }
      }
      assertEquals(60 - hits, failed, "exactly the dead server's keys fail to be written");

      victim.start();
      MemcachedConnection conn = MemcachedFixture.connection(c);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline && availableServers(conn) < 3) {
        Thread.sleep(100);
      }
      assertEquals(3, availableServers(conn), "reconnected to the returned server");
      for (int i = 0; i < 60; i++) {
        c.put("n" + i, "x" + i);
      }
      assertTrue(victim.stat("curr_items") > 0, "the returned server holds keys again");
      for (int i = 0; i < 60; i++) {
        assertEquals("x" + i, c.get("n" + i));
      }
    } finally {
      m.close();
      if (!victim.isRunning()) {
        victim.start();
      }
    }
  }

  private static int availableServers(MemcachedConnection conn) throws Exception {
    return clientOf(conn).getAvailableServers().size();
  }

  private static net.spy.memcached.MemcachedClient clientOf(MemcachedConnection conn) {
    return conn.client();
  }

  @Test
  void inErrorModeADeadServerIsAnErrorNamingIt() throws Exception {
    MemcachedServer dead = MemcachedServer.launch();
    CacheManager m = MemcachedFixture.manager(List.of(servers.get(0), dead),
        "jadugar.memcached.failure-mode", "error", "jadugar.memcached.operation-timeout", "1s");
    try {
      Cache<String, String> c = m.createCache("errors", MemcachedFixture.strings());
      c.put("warm", "up");
      dead.stop();
      Thread.sleep(200);
      CacheException failure = null;
      for (int i = 0; i < 40 && failure == null; i++) {
        try {
          c.put("e" + i, "v");
        } catch (CacheException e) {
          failure = e;
        }
      }
      assertTrue(failure != null, "some key lives on the dead server");
      assertTrue(failure.getMessage().contains("memcached at 127.0.0.1:" + dead.port()), failure.getMessage());
    } finally {
      m.close();
      dead.close();
    }
  }

  @Test
  void twoJvmsOfEightThreadsLoseNoUpdate() throws Exception {
    String list = servers.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(","));
    int threads = 8;
    int increments = 60;
    CacheManager m = MemcachedFixture.manager(servers);
    try {
      Cache<String, Integer> c = m.createCache("counter",
          new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
      c.remove("n");
      Path log = Files.createTempFile("lost-update", ".log");
      Process other = ChildJvm.builder(LostUpdateWorker.class,
          list, "counter", "n", String.valueOf(threads), String.valueOf(increments))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      LostUpdateWorker.run(m, "counter", "n", threads, increments);
      assertTrue(other.waitFor(120, TimeUnit.SECONDS), "the other JVM finished");
      assertEquals(0, other.exitValue(), Files.readString(log));
      assertEquals(2 * threads * increments, c.get("n"), "no increment lost across two JVMs");
      Files.deleteIfExists(log);
    } finally {
      m.close();
    }
  }

  @Test
  void aMissingServerListIsAClearError() {
    assertThrows(CacheException.class, () -> MemcachedConnection.parseServers(" , "));
    assertEquals(Set.of(11211), Set.of(MemcachedConnection.parseServers("localhost").get(0).getPort()));
    assertNull(null);
  }
}
