package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.spi.OutcomeUnknownException;
import io.jadugar.jcache.store.redis.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** How the memcached store names what goes wrong: unknown outcomes, foreign servers, no server, too large. */
class MemcachedFaultsTest {

  @Test
  void aPutThatGetsNoReplyHasAnUnknownOutcomeAndMayStillBeStored() throws Exception {
    try (MemcachedServer s = MemcachedServer.launch()) {
      CacheManager m = MemcachedFixture.manager(List.of(s), "jadugar.memcached.operation-timeout", "500ms");
      try {
        Cache<String, String> c = m.createCache("unknown", MemcachedFixture.strings());
        c.put("k", "before");
        s.pause(); // the put reaches the server's socket, and waits there
        OutcomeUnknownException e;
        try {
          e = assertThrows(OutcomeUnknownException.class, () -> c.put("k", "during"));
        } finally {
          s.resume();
        }
        assertTrue(e.getMessage().contains("memcached at " + s.hostPort()) && e.getMessage().contains("set")
            && e.getMessage().contains("may or may not have been stored"), e.getMessage());
        // what "unknown" means: the server stored it once it ran again
        assertEquals("during", awaitValue(c, "k", "during"));
      } finally {
        m.close();
      }
    }
  }

  private static String awaitValue(Cache<String, String> c, String key, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String v = c.get(key);
    while (!expected.equals(v) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      v = c.get(key);
    }
    return v;
  }

  @Test
  void aRedisServerIsNamedAsNotSpeakingMemcachedAtOnce() throws Exception {
    try (RedisServer redis = RedisServer.launch()) {
      String address = "127.0.0.1:" + redis.port();
      long start = System.nanoTime();
      CacheException e = assertThrows(CacheException.class, () -> MemcachedFixture.manager(address));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(e.getMessage().contains("memcached at " + address + " does not speak the memcached protocol")
          && e.getMessage().contains("-ERR"), e.getMessage());
      assertTrue(ms < 2000, "named after " + ms + " ms");
    }
  }

  @Test
  void aServerThatAnswersGarbageOrNothingIsNamed() throws Exception {
    try (FakeServer garbage = new FakeServer("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        FakeServer silent = new FakeServer(null)) {
      CacheException e = assertThrows(CacheException.class, () -> MemcachedFixture.manager(garbage.hostPort()));
      assertTrue(e.getMessage().contains("memcached at " + garbage.hostPort() + " does not speak the memcached protocol")
          && e.getMessage().contains("HTTP/1.1 400"), e.getMessage());
      long start = System.nanoTime();
      e = assertThrows(CacheException.class, () -> MemcachedFixture.manager(silent.hostPort()));
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(e.getMessage().contains("memcached at " + silent.hostPort())
          && e.getMessage().contains("does not speak the memcached protocol, or it is stalled"), e.getMessage());
      assertTrue(ms < 5000, "named after " + ms + " ms, the probe waits one second");
    }
  }

  @Test
  void noReachableServerFailsTheCacheManagerNamingEveryAddress() throws Exception {
    List<String> dead = List.of(deadAddress(), deadAddress(), deadAddress());
    long start = System.nanoTime();
    CacheException e = assertThrows(CacheException.class, () -> MemcachedFixture.manager(String.join(",", dead)));
    long ms = (System.nanoTime() - start) / 1_000_000;
    for (String a : dead) {
      assertTrue(e.getMessage().contains("memcached at " + a), e.getMessage());
    }
    assertTrue(ms < 2000, "failed after " + ms + " ms");
  }

  @Test
  void someServersDownStartsOnTheOthers() throws Exception {
    try (MemcachedServer live = MemcachedServer.launch()) {
      String authority = deadAddress() + "," + live.hostPort() + "," + deadAddress();
      long start = System.nanoTime();
      CacheManager m = MemcachedFixture.manager(authority);
      long ms = (System.nanoTime() - start) / 1_000_000;
      try {
        assertTrue(ms < 2000, "created after " + ms + " ms");
        Cache<String, String> c = m.createCache("partial", MemcachedFixture.strings());
        int stored = 0;
        for (int i = 0; i < 30; i++) {
          try {
            c.put("k" + i, "v" + i);
            assertEquals("v" + i, c.get("k" + i));
            stored++;
          } catch (CacheException e) {
            assertTrue(e.getMessage().contains("is down"), e.getMessage());
          }
        }
        assertTrue(stored > 0, "the live server serves its keys");
      } finally {
        m.close();
      }
    }
  }

  @Test
  void theItemSizeRefusalSaysWhatItCountedAndTheNumbersAddUp() {
    try (MemcachedServer s = MemcachedServer.launch()) {
      CacheManager m = MemcachedFixture.manager(List.of(s));
      try {
        Cache<String, byte[]> c = m.createCache("sizes",
            new MutableConfiguration<String, byte[]>().setTypes(String.class, byte[].class));
        byte[] big = new byte[1024 * 1024];
        new Random(3).nextBytes(big); // incompressible
        CacheException e = assertThrows(CacheException.class, () -> c.put("a-key", big));
        Matcher x = Pattern.compile("an item of (\\d+) bytes \\(memcached key (\\d+) \\+ value (\\d+), the entry's frame "
            + "in its envelope, \\+ (\\d+) for memcached's per-item overhead\\), larger than memcached's item size "
            + "limit of (\\d+) bytes").matcher(e.getMessage());
        assertTrue(x.find(), e.getMessage());
        long item = Long.parseLong(x.group(1));
        assertEquals(item, Long.parseLong(x.group(2)) + Long.parseLong(x.group(3)) + Long.parseLong(x.group(4)),
            e.getMessage());
        assertEquals(1024 * 1024, Long.parseLong(x.group(5)));
        assertTrue(item > 1024 * 1024 && Long.parseLong(x.group(3)) > big.length, e.getMessage());
      } finally {
        m.close();
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** A loopback address where nothing listens. */
  private static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  /** A TCP server that answers every connection with {@code reply} and closes it, or says nothing. */
  private static final class FakeServer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    FakeServer(byte[] reply) throws IOException {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!listener.isClosed()) {
          try {
            Socket s = listener.accept();
            open.add(s);
            if (reply != null) {
              InputStream in = s.getInputStream();
              in.read(new byte[64]);
              s.getOutputStream().write(reply);
              s.close();
            }
          } catch (IOException e) {
            return;
          }
        }
      }, "fake-server");
      t.setDaemon(true);
      t.start();
    }

    String hostPort() {
      return "127.0.0.1:" + listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }
}
