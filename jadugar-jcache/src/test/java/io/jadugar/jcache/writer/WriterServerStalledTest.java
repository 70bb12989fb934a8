package io.jadugar.jcache.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.EachEntryWriter;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A put with a writer (the key's lock, the writer, a blind write, a release not waited for) while
 * the cache's Redis is frozen ({@code SIGSTOP}): it fails within the client's timeout naming the
 * server; once the server is thawed the key's lock is free at once (not after its 30 s lease), and
 * the writer's last change of the key is what the cache holds.
 */
class WriterServerStalledTest {

  /** Every change the writer took, in order. */
  static final List<String> TAKEN = new CopyOnWriteArrayList<>();

  /** Records each change as {@code key=value}. */
  public static final class Recording extends EachEntryWriter<String, String> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> e) {
      TAKEN.add(e.getKey() + "=" + e.getValue());
    }

    @Override
    public void delete(Object key) {
      TAKEN.add(key + "=null");
    }

  }

  @Test
  void aPutWithAWriterToAFrozenRedisFailsInTimeAndTheLockIsFreeOnceItThaws() throws Exception {
    TAKEN.clear();
    try (RedisServer server = RedisServer.launch()) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.redis.timeout", "500ms");
        p.setProperty("jadugar.redis.retry-attempts", "0");
        CacheManager m = provider.getCacheManager(URI.create(server.address()), getClass().getClassLoader(), p);
        Cache<String, String> cache = m.createCache("stalled", new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class).setWriteThrough(true)
            .setCacheWriterFactory(FactoryBuilder.factoryOf(Recording.class)));
        cache.put("k", "old");
        String where = "127.0.0.1:" + server.port();
        server.pause();
        long start = System.nanoTime();
        try {
          CacheException e = assertThrows(CacheException.class, () -> cache.put("k", "new"));
          long millis = (System.nanoTime() - start) / 1_000_000;
          assertTrue(String.valueOf(e.getMessage()).contains(where), e.getMessage());
          assertTrue(millis < 5_000, "failed after " + millis + " ms");
        } finally {
          server.resume();
        }
        // the lock this JVM may have left is released, not held until its 30 s lease ends
        start = System.nanoTime();
        cache.put("k", "after");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, "the next put of the key waited " + millis + " ms for its lock");
        assertEquals("after", cache.get("k"));
        assertEquals("k=after", TAKEN.get(TAKEN.size() - 1), "the writer's last change is what the cache holds");
      } finally {
        provider.close();
      }
    }
  }
}
