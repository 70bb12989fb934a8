package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.spi.OutcomeUnknownException;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A write that a frozen server ({@code SIGSTOP}) received but did not answer: the error says its
 * outcome is unknown, and once the server is thawed the write turns out to have been stored.
 */
class RedisUnconfirmedWriteTest {

  @Test
  void aWriteThatTimesOutHasAnUnknownOutcomeAndAReadThatTimesOutSimplyFailed() throws Exception {
    try (RedisServer server = RedisServer.launch()) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.redis.timeout", "500ms");
        p.setProperty("jadugar.redis.retry-attempts", "0");
        CacheManager m = provider.getCacheManager(URI.create(server.address()), getClass().getClassLoader(), p);
        Cache<String, String> cache = m.createCache("unconfirmed",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        cache.put("k", "v");
        cache.putAll(Map.of("a", "1", "b", "2"));
        cache.removeAll(Set.of("none")); // every script loaded: the frozen server gets the writes themselves
        String where = "redis at 127.0.0.1:" + server.port();
        server.pause();
        try {
          OutcomeUnknownException put = assertThrows(OutcomeUnknownException.class, () -> cache.put("k", "w"));
          System.out.println("put to a frozen server: " + put.getMessage());
          assertTrue(put.getMessage().startsWith(where + " did not confirm put"), put.getMessage());
          assertTrue(put.getMessage().contains("may or may not have been stored"), put.getMessage());

          OutcomeUnknownException putAll = assertThrows(OutcomeUnknownException.class,
              () -> cache.putAll(Map.of("a", "10", "b", "20")));
          assertTrue(putAll.getMessage().startsWith(where + " did not confirm putAll"), putAll.getMessage());
          assertTrue(putAll.getMessage().contains("may or may not have been stored"), putAll.getMessage());

          OutcomeUnknownException removeAll = assertThrows(OutcomeUnknownException.class,
              () -> cache.removeAll(Set.of("b")));
          assertTrue(removeAll.getMessage().startsWith(where + " did not confirm removeAll"),
              removeAll.getMessage());

          CacheException get = assertThrows(CacheException.class, () -> cache.get("k"));
          System.out.println("get from a frozen server: " + get.getMessage());
          assertFalse(get instanceof OutcomeUnknownException, "a read that timed out just failed");
          assertTrue(get.getMessage().startsWith(where + " timed out during get"), get.getMessage());
        } finally {
          server.resume();
        }
        // the server had the writes all along: each was stored after the client gave up on it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"w".equals(cache.get("k")) && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertEquals("w", cache.get("k"));
        assertEquals("10", cache.get("a"));
        assertFalse(cache.containsKey("b"));
      } finally {
        provider.close();
      }
    }
  }
}
