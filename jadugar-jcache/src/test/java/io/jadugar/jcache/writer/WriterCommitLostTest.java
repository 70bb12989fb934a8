package io.jadugar.jcache.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.EachEntryWriter;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A write-through cache on Redis whose server dies after the writer took a change and before the
 * store committed it: the database then holds the new value and Redis, restarted from its
 * append-only file, the old one. The cache must not serve that old value: the engine drops the
 * entry, and since the store cannot be reached at that moment, it drops it before the next write.
 */
class WriterCommitLostTest {

  /** The calls the writer took, and the server it kills on the value {@code "crash"}. */
  static final List<String> CALLS = new CopyOnWriteArrayList<>();
  static volatile RedisServer server;

  /** Records every write; on the value "crash", kills the server first, as a crash mid-commit would. */
  public static final class CrashingWriter extends EachEntryWriter<String, String> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      CALLS.add(entry.getKey() + "=" + entry.getValue());
      if (entry.getValue().equals("crash")) {
        try {
          server.kill(); // the writer has the value; the store's commit that follows cannot land
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }

    @Override
    public void delete(Object key) {
      CALLS.add(key + " deleted");
    }

  }

  @Test
  void anEntryWhoseCommitWasLostAfterTheWriterTookItIsDroppedNotServedStale() throws Exception {
    CALLS.clear();
    try (RedisServer s = RedisServer.launch("--appendonly", "yes", "--appendfsync", "always")) {
      server = s;
      Properties p = new Properties();
      p.setProperty("jadugar.store", "redis");
      p.setProperty("jadugar.redis.address", s.address());
      p.setProperty("jadugar.redis.timeout", "1s");
      p.setProperty("jadugar.redis.connect-timeout", "1s");
      p.setProperty("jadugar.redis.lock-lease", "2s");
      CacheManager m = Caching.getCachingProvider().getCacheManager(
          URI.create("jadugar:commit-lost-" + System.nanoTime()), getClass().getClassLoader(), p);
      try {
        Cache<String, String> c = m.createCache("commit-lost", new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class).setWriteThrough(true)
            .setCacheWriterFactory(FactoryBuilder.factoryOf(CrashingWriter.class)));
        c.put("k", "old");
        CacheException failed = assertThrows(CacheException.class, () -> c.put("k", "crash"));
        assertEquals(List.of("k=old", "k=crash"), CALLS, "the writer took both values");
        s.start(); // same port, same directory: Redis comes back with k=old from its append-only file
        assertEquals("1", s.cli("EXISTS", firstKey(s)).trim(), "Redis restarted with the old entry");
        // the next write of this cache, once the client is back, first drops what the failure left
        retry(() -> c.put("other", "x"));
        assertNull(c.get("k"), "the cache served the value the writer no longer holds (" + failed + ")");
        c.put("k", "new");
        assertEquals("new", c.get("k"));
      } finally {
        m.close();
        server = null;
      }
    }
  }

  /** The Redis key of the cache's only entry before the crash. */
  private static String firstKey(RedisServer s) throws IOException {
    for (String key : s.cli("--raw", "KEYS", "*commit-lost*").split("\n")) {
      if (!key.isBlank() && !key.contains("%lock")) {
        return key.trim();
      }
    }
    fail("no entry of the cache in Redis");
    return null;
  }

  private static void retry(Runnable write) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        write.run();
        return;
      } catch (CacheException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the client did not come back within 20 s", e);
        }
        Thread.sleep(100);
      }
    }
  }
}
