package io.jadugar.jcache.health;

import static io.jadugar.jcache.health.HealthFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;

/** Health, connect/disconnect and state events of the memcached store, on one and three real servers. */
class MemcachedHealthTest {

  private static CacheManager on(List<MemcachedServer> servers) {
    return manager("memcached", "jadugar.store", "memcached", "jadugar.memcached.servers",
        servers.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(",")),
        "jadugar.memcached.operation-timeout", "1s", "jadugar.memcached.reconnect-delay", "1s");
  }

  private static List<MemcachedServer> launch(int n) throws Exception {
    List<MemcachedServer> servers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      servers.add(MemcachedServer.launch());
    }
    return servers;
  }

  private static void closeAll(List<MemcachedServer> servers) {
    servers.forEach(MemcachedServer::close);
  }

  @Test
  void oneAndThreeLiveServersAreUpWithMeasuredRoundTrips() throws Exception {
    for (int n : new int[] {1, 3}) {
      List<MemcachedServer> servers = launch(n);
      CacheManager m = on(servers);
      try {
        Cache<String, String> c = m.createCache("up", strings());
        c.put("k", "v");
        HealthReport r = timed(jadugar(m));
        assertAllUp(r, "memcached", n);
        for (MemcachedServer s : servers) {
          assertTrue(r.server(s.hostPort()) != null, s.hostPort() + " in " + r);
        }
        assertAllUp(store(c).health(TIMEOUT), "memcached", n);
      } finally {
        m.close();
        closeAll(servers);
      }
    }
  }

  @Test
  void aKilledServerIsDownWithinTheTimeoutAndUpAgainWhenItReturns() throws Exception {
    List<MemcachedServer> servers = launch(1);
    MemcachedServer server = servers.get(0);
    CacheManager m = on(servers);
    try {
      JadugarManager j = jadugar(m);
      // a listener that fails neither breaks the connection nor silences the next listener
      j.addStoreStateListener(new io.jadugar.jcache.spi.StoreStateListener() {
        @Override
        public void down(String address, Throwable cause) {
          throw new IllegalStateException("a failing listener");
        }

        @Override
        public void up(String address) {
          throw new IllegalStateException("a failing listener");
        }
      });
      Recorder events = new Recorder();
      j.addStoreStateListener(events);
      Cache<String, String> c = m.createCache("down", strings());
      c.put("k", "v");
      server.stop();
      HealthReport down = timed(j);
      assertEquals(HealthStatus.DOWN, down.status(), down.toString());
      assertSilent(down, server.hostPort());
      events.await("down " + server.hostPort(), 10);
      server.start();
      awaitHealth(j, 30, r -> r.status() == HealthStatus.UP);
      events.await("up " + server.hostPort(), 30);
      c.put("k", "again"); // the connection the listeners were told about works
      assertEquals("again", c.get("k"));
    } finally {
      m.close();
      closeAll(servers);
    }
  }

  @Test
  void oneOfThreeServersDownIsDegradedAndNamesIt() throws Exception {
    List<MemcachedServer> servers = launch(3);
    CacheManager m = on(servers);
    try {
      JadugarManager j = jadugar(m);
      Recorder events = new Recorder();
      j.addStoreStateListener(events);
      m.createCache("three", strings()).put("k", "v");
      MemcachedServer lost = servers.get(2);
      lost.stop();
      HealthReport r = timed(j);
      assertEquals(HealthStatus.DEGRADED, r.status(), r.toString());
      assertSilent(r, lost.hostPort());
      for (MemcachedServer s : servers.subList(0, 2)) {
        assertTrue(r.server(s.hostPort()).answered(), r.toString());
      }
      events.await("down " + lost.hostPort(), 10);
      assertTrue(events.heard.stream().noneMatch(e -> !e.endsWith(lost.hostPort())), events.heard.toString());
    } finally {
      m.close();
      closeAll(servers);
    }
  }

  @Test
  void aStalledServerIsDownWithinTheTimeout() throws Exception {
    List<MemcachedServer> servers = launch(1);
    MemcachedServer server = servers.get(0);
    CacheManager m = on(servers);
    try {
      m.createCache("stalled", strings()).put("k", "v");
      server.pause(); // the connection stays open; nothing answers on it
      try {
        HealthReport r = timed(jadugar(m));
        assertEquals(HealthStatus.DOWN, r.status(), r.toString());
        assertSilent(r, server.hostPort());
        assertTrue(r.server(server.hostPort()).lastError().contains("within"), r.toString());
      } finally {
        server.resume();
      }
      awaitHealth(jadugar(m), 30, r -> r.status() == HealthStatus.UP);
    } finally {
      m.close();
      closeAll(servers);
    }
  }

  @Test
  void disconnectFailsOperationsAtOnceAndConnectBringsTheSameCacheBack() throws Exception {
    for (int n : new int[] {1, 3}) {
      List<MemcachedServer> servers = launch(n);
      CacheManager m = on(servers);
      try {
        Cache<String, String> c = m.createCache("lifecycle", strings());
        disconnectAndReconnect(m, c);
        assertAllUp(timed(jadugar(m)), "memcached", n);
      } finally {
        m.close();
        closeAll(servers);
      }
    }
  }
}
