package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * An address that is not a Redis server (a memcached, a server that answers garbage, one that
 * accepts and says nothing, one that hangs up) is named as such within about a second, in every
 * mode; over TLS the handshake fails instead; a real Redis that asks for a password still passes.
 */
class RedisProtocolCheckTest {

  /** The check waits one second for an answer; the rest is slack for a loaded machine. */
  private static final long QUICK_MS = 2500;
  /** Over TLS Redisson's handshake fails instead, after Redisson has started. */
  private static final long TLS_MS = 5000;

  private static CacheException failure(String uri, Properties p) {
    return failure(uri, p, QUICK_MS);
  }

  private static CacheException failure(String uri, Properties p, long limitMs) {
    JadugarCachingProvider provider = new JadugarCachingProvider();
    try {
      long start = System.nanoTime();
      CacheException e = assertThrows(CacheException.class,
          () -> provider.getCacheManager(URI.create(uri), RedisProtocolCheckTest.class.getClassLoader(), p));
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      System.out.println(uri + " " + p + ", failed after " + took + " ms: " + e.getMessage());
      assertTrue(took < limitMs, "failed after " + took + " ms");
      return e;
    } finally {
      provider.close();
    }
  }

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void memcachedIsNamedAsNotSpeakingRedisWithWhatItAnswered() throws Exception {
    try (MemcachedServer memcached = MemcachedServer.launch()) {
      String at = "127.0.0.1:" + memcached.port();
      CacheException e = failure("redis://" + at, new Properties());
      assertTrue(e.getMessage().startsWith("redis at " + at + " does not speak the Redis protocol"), e.getMessage());
      assertTrue(e.getMessage().contains("ERROR"), e.getMessage());
    }
  }

  @Test
  void clusterNodesAndSentinelsAreCheckedToo() throws Exception {
    try (MemcachedServer memcached = MemcachedServer.launch()) {
      String at = "127.0.0.1:" + memcached.port();
      CacheException cluster = failure("jadugar:cluster",
          props("jadugar.store", "redis", "jadugar.redis.cluster.nodes", at));
      assertTrue(cluster.getMessage().startsWith("redis cluster node " + at + " does not speak the Redis protocol"),
          cluster.getMessage());
      CacheException sentinel = failure("jadugar:sentinel", props("jadugar.store", "redis",
          "jadugar.redis.sentinel.master", "mymaster", "jadugar.redis.sentinel.addresses", at));
      assertTrue(sentinel.getMessage().startsWith("redis sentinel " + at + " does not speak the Redis protocol"),
          sentinel.getMessage());
    }
  }

  @Test
  void overTlsAServerThatIsNotRedisFailsTheHandshake() throws Exception {
    try (MemcachedServer memcached = MemcachedServer.launch()) {
      String at = "127.0.0.1:" + memcached.port();
      CacheException e = failure("rediss://" + at, new Properties(), TLS_MS);
      assertTrue(e.getMessage().startsWith("redis at " + at + " failed the TLS handshake"), e.getMessage());
    }
  }

  @Test
  void aServerThatAnswersGarbageIsNamedWithItsAnswer() throws Exception {
    try (FakeServer fake = new FakeServer(() -> "HTTP/1.1 400 Bad Request\r\n\r\n")) {
      String at = "127.0.0.1:" + fake.port();
      CacheException e = failure("redis://" + at, new Properties());
      assertTrue(e.getMessage().startsWith("redis at " + at + " does not speak the Redis protocol"), e.getMessage());
      assertTrue(e.getMessage().contains("HTTP/1.1 400 Bad Request"), e.getMessage());
    }
  }

  @Test
  void aServerThatSaysNothingIsNamedWithinASecondOrSo() throws Exception {
    try (FakeServer silent = new FakeServer(() -> null)) {
      String at = "127.0.0.1:" + silent.port();
      CacheException e = failure("redis://" + at, new Properties());
      assertTrue(e.getMessage().startsWith("redis at " + at + " does not speak the Redis protocol"), e.getMessage());
      assertTrue(e.getMessage().contains("no answer"), e.getMessage());
    }
  }

  @Test
  void aServerThatHangsUpIsNamed() throws Exception {
    try (FakeServer rude = new FakeServer(() -> "")) {
      String at = "127.0.0.1:" + rude.port();
      CacheException e = failure("redis://" + at, new Properties());
      assertTrue(e.getMessage().startsWith("redis at " + at + " does not speak the Redis protocol"), e.getMessage());
      assertTrue(e.getMessage().contains("closed the connection"), e.getMessage());
    }
  }

  @Test
  void aSilentNodeAmongClusterNodesThatAnswerIsLeftToRedisson() throws Exception {
    try (RedisServer.Cluster cluster = RedisServer.Cluster.launch(); FakeServer silent = new FakeServer(() -> null)) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        var m = provider.getCacheManager(URI.create("jadugar:silent-seed"), getClass().getClassLoader(),
            props("jadugar.store", "redis", "jadugar.redis.timeout", "1s",
                "jadugar.redis.cluster.nodes", "127.0.0.1:" + silent.port() + "," + cluster.addresses()));
        var c = m.createCache("seeds", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        c.put("k", "v");
        assertEquals("v", c.get("k"));
      } finally {
        provider.close();
      }
    }
  }

  @Test
  void aRedisThatWantsAPasswordIsStillRedis() throws Exception {
    try (RedisServer server = RedisServer.launch("--requirepass", "s3cret")) {
      server.cliAuth("--no-auth-warning", "-a", "s3cret");
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        // PING without AUTH is answered -NOAUTH: that is Redis, and the password then works
        var m = provider.getCacheManager(URI.create(server.address()), getClass().getClassLoader(),
            props("jadugar.redis.password", "s3cret"));
        var c = m.createCache("auth", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        c.put("k", "v");
        assertEquals("v", c.get("k"));
      } finally {
        provider.close();
      }
    }
  }

  /** Accepts connections on loopback and answers each with what {@code answer} says: null for silence, "" to hang up. */
  private static final class FakeServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> accepted = new ArrayList<>();
    private final Thread thread;

    FakeServer(Supplier<String> answer) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            synchronized (accepted) {
              accepted.add(s);
            }
            String a = answer.get();
            if (a != null) {
              OutputStream out = s.getOutputStream();
              out.write(a.getBytes(StandardCharsets.US_ASCII));
              out.flush();
              if (a.isEmpty()) {
                s.close();
              }
            }
          } catch (IOException e) {
            return;
          }
        }
      }, "fake-server");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }
}
