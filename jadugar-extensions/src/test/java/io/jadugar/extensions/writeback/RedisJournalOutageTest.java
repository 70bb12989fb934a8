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
import javax.cache.integration.CacheWriterException;
import org.junit.jupiter.api.Test;

/**
 * A Redis journal whose server stops: a cache write then fails, naming the write-back and its
 * journal, and the cache keeps nothing of it (the write was not acknowledged, so nothing is lost);
 * once the server is back, writes are journaled and delivered again. A journal server that stops
 * answering ({@code SIGSTOP}) fails the write within the client's timeout; that write may still land
 * when the server resumes, so the cache drops the key rather than keep its older value.
 */
class RedisJournalOutageTest {

  /** A memory cache written back through a Redis journal on {@code redis}. */
  private static WriteBackRig rig(RedisServer redis, String name) {
    return WriteBackRig.open(URI.create("test:write-back-" + name), new Properties(), redis, name);
  }

  @Test
  void aWriteWhileTheJournalIsDownFailsByNameAndNothingIsAcknowledged() throws Exception {
    try (RedisServer redis = RedisServer.launch(); WriteBackRig rig = rig(redis, "outage")) {
      RecordingWriter writer = rig.writer();
      WriteBack<String, String> wb = rig.wb();
      Cache<String, String> cache = rig.cache();
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
    }
  }

  @Test
  void aWriteToAPausedJournalFailsInTimeAndTheCacheNeverKeepsAnOlderValueThanTheWriterGets() throws Exception {
    try (RedisServer redis = RedisServer.launch(); WriteBackRig rig = rig(redis, "paused")) {
      RecordingWriter writer = rig.writer();
      WriteBack<String, String> wb = rig.wb();
      Cache<String, String> cache = rig.cache();
      cache.put("k", "old");
      cache.putAll(java.util.Map.of("m", "old", "n", "old"));
      wb.flush();

      redis.pause();
      long start = System.nanoTime();
      CacheWriterException e;
      try {
        e = assertThrows(CacheWriterException.class, () -> cache.put("k", "new"));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains("paused") && message.contains("journal"), message);
        assertTrue(millis < 5_000, "failed after " + millis + " ms, not within the client's timeout");
        // the append was sent and may land when Redis resumes: "old" would then be stale
        assertNull(cache.get("k"), "the cache dropped the key instead of keeping its older value");
        assertThrows(CacheWriterException.class, () -> cache.putAll(java.util.Map.of("m", "new")));
        assertNull(cache.get("m"), "a batch's unconfirmed keys are dropped too");
        assertEquals("old", cache.get("n"), "a key the batch did not touch stays");
      } finally {
        redis.resume();
      }
      wb.flush();
      for (String k : List.of("k", "m")) {
        List<RecordingWriter.Seen> taken = writer.taken(k);
        String last = taken.get(taken.size() - 1).value();
        System.out.printf("paused journal: key %s, the writer's last value after the resume: %s%n", k, last);
        String cached = cache.get(k);
        assertTrue(cached == null || cached.equals(last), k + ": cached " + cached + ", the writer has " + last);
      }
      cache.put("after", "1");
      wb.flush();
      assertEquals("1", writer.taken("after").get(0).value(), "writes resume once Redis answers");
    }
  }
}
