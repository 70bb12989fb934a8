package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.store.redis.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A Redis journal whose server stops: a cache write then fails, naming the write-back and its
 * journal, and the cache keeps nothing of it (the write was not acknowledged, so nothing is lost);
 * once the server is back, writes are journaled and delivered again.
 */
class RedisJournalOutageTest {

  @Test
  void aWriteWhileTheJournalIsDownFailsByNameAndNothingIsAcknowledged() throws Exception {
    RecordingWriter writer = new RecordingWriter();
    try (RedisServer redis = RedisServer.launch()) {
      Config config = new Config();
      config.useSingleServer().setAddress(redis.address()).setRetryAttempts(0).setTimeout(500).setConnectTimeout(500);
      RedissonClient client = Redisson.create(config);
      CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:write-back-outage"),
          getClass().getClassLoader(), new Properties());
      try {
        WriteBack<String, String> wb = WriteBack.builder(writer, String.class, String.class).name("outage")
            .journal(RedisJournal.on(client, "outage")).maxDelay(Duration.ofMillis(1))
            .closeTimeout(Duration.ofMillis(200)).build();
        Cache<String, String> cache = manager.createCache("outage", new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class).setWriteThrough(true).setCacheWriterFactory(wb.factory()));
        cache.put("a", "1");
        wb.flush();

        redis.stop();
        CacheWriterException e = assertThrows(CacheWriterException.class, () -> cache.put("b", "2"));
        String message = String.valueOf(e.getMessage()) + " / " + e.getCause();
        assertTrue(message.contains("outage") && message.contains("journal"), message);
        assertNull(cache.get("b"), "the cache kept nothing of a write the journal did not take");

        redis.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
          try {
            cache.put("c", "3");
            break;
          } catch (CacheWriterException again) {
            assertTrue(System.nanoTime() < deadline, "writes did not resume after Redis came back: " + again);
            Thread.sleep(200);
          }
        }
        wb.flush();
        assertEquals(List.of("a=1", "c=3"), writer.seen.stream().map(s -> s.key() + "=" + s.value()).toList());
      } finally {
        manager.close();
        client.shutdown();
      }
    }
  }
}
