package io.jadugar.jcache.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.health.HealthStatus;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.AllStores;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An entry's own time to live and its metadata across a restart of the server that holds it. The
 * expiry time rides inside the stored value and the server keeps an absolute expiry of its own, so
 * a server that returns with its data (Redis from its append-only file or its snapshot after a
 * SIGKILL; memcached warm-restarted from its memory file) gives back the same entry: the same
 * metadata and write time, the same expiry instant (not a fresh time to live counted from the
 * restart, not eternal), and both the cache and the server drop it on time afterwards. A memcached
 * server that restarts cold (SIGKILL, no memory file) comes back empty: a clean miss, no error, no
 * corrupt entry.
 */
class EntryRestartTest {

  private static final Duration TTL = Duration.ofSeconds(3);
  /** The Redis store's expiry grace in these tests: the server drops an entry this long after it expires. */
  private static final Duration GRACE = Duration.ofMillis(500);
  /** How late past its expiry the cache may still be seen to hold an entry, on a busy 2-core machine. */
  private static final Duration LATE = Duration.ofSeconds(1);

  private static final EntryOptions SHORT = EntryOptions.ttl(TTL).withMetadata("tag:a", "7")
      .withMetadata("source", "orders");
  private static final EntryOptions ETERNAL = EntryOptions.NONE.withMetadata("source", "stock");

  private static CacheManager manager(String... settings) {
    Properties p = new Properties();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      p.setProperty(settings[i], settings[i + 1]);
    }
    URI uri = URI.create("jadugar:restart-" + System.nanoTime());
    return Caching.getCachingProvider().getCacheManager(uri, EntryRestartTest.class.getClassLoader(), p);
  }

  private static JadugarCache<String, String> cache(CacheManager m) {
    return m.createCache("restart", new JadugarConfiguration<String, String>().setTypes(String.class, String.class)
        .setStatisticsEnabled(true))
        .unwrap(JadugarCache.class);
  }

  /** What was written before the restart, as the cache reported it then. */
  private record Written(EntryInfo<String, String> shortLived, EntryInfo<String, String> eternal,
      EntryInfo<String, String> unread) {}

  private static Written write(JadugarCache<String, String> c) {
    long before = System.currentTimeMillis();
    c.put("short", "v1", SHORT);
    c.put("eternal", "v2", ETERNAL);
    c.put("plain", "v3");
    c.put("unread", "v4", SHORT); // read by no one after the restart: the server alone drops it
    EntryInfo<String, String> s = c.getEntry("short");
    long at = s.expiresAt().toEpochMilli();
    // never late; early by at most the lag of the clock a long time to live starts from (RecentClock)
    assertTrue(at >= before + TTL.toMillis() - 500 && at <= System.currentTimeMillis() + TTL.toMillis(), s.toString());
    return new Written(s, c.getEntry("eternal"), c.getEntry("unread"));
  }

  /** After the restart: the same entries, to the millisecond. */
  private static void assertSame(String what, Written w, JadugarCache<String, String> c) {
    EntryInfo<String, String> s = c.getEntry("short");
    assertNotNull(s, what + ": the entry with its own time to live is back");
    assertEquals("v1", s.value(), what);
    assertEquals(SHORT.metadata(), s.metadata(), what + ": its metadata");
    assertEquals(w.shortLived().writtenAt(), s.writtenAt(), what + ": its write time");
    assertEquals(w.shortLived().expiresAt(), s.expiresAt(),
        what + ": its expiry is the original one, not a fresh time to live nor none");
    EntryInfo<String, String> e = c.getEntry("eternal");
    assertEquals("v2", e.value(), what);
    assertEquals(ETERNAL.metadata(), e.metadata(), what);
    assertEquals(w.eternal().writtenAt(), e.writtenAt(), what);
    assertNull(e.expiresAt(), what + ": an eternal entry stays eternal");
    EntryInfo<String, String> p = c.getEntry("plain");
    assertEquals("v3", p.value(), what);
    assertEquals(Map.of(), p.metadata(), what);
    assertNull(p.writtenAt(), what);
    assertEquals(0L, c.metrics().corruptEntries(), what + ": nothing read back damaged");
  }

  /**
   * Reads {@code short} until it is gone: every read that began before its expiry time found it,
   * and the first miss ended after that time and at most {@link #LATE} past it.
   */
  private static void assertGoneOnTime(String what, JadugarCache<String, String> c, Instant expiresAt) {
    long expiry = expiresAt.toEpochMilli();
    while (true) {
      long start = System.currentTimeMillis();
      EntryInfo<String, String> s = c.getEntry("short");
      long end = System.currentTimeMillis();
      if (s == null) {
        assertTrue(end >= expiry, what + ": gone at " + end + ", before its expiry " + expiry);
        return;
      }
      assertTrue(start < expiry + LATE.toMillis(), what + ": still read at " + start + ", expiry " + expiry);
      pause(20);
    }
  }

  /** Retries {@code read} until the client is back on the restarted server. */
  private static <T> T afterReconnect(String what, Supplier<T> read) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return read.get();
      } catch (CacheException e) {
        if (System.nanoTime() > deadline) {
          fail(what + ": the client did not come back within 20 s", e);
        }
        pause(100);
      }
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------------------------------ Redis

  /**
   * {@code aof}: append-only file fsynced on every write, SIGKILL right after the writes (the PUT
   * script's {@code SET ... PXAT}). {@code aof-no-events}: the same with events off, where a put is
   * a plain {@code SET ... PX} relative to the client's clock, which Redis must persist as an absolute
   * time. {@code rdb}: no append-only file, a {@code SAVE} and then SIGKILL.
   */
  @ParameterizedTest
  @ValueSource(strings = {"aof", "aof-no-events", "rdb"})
  void redisKilledAndRestartedFromDiskGivesBackTheSameExpiryAndMetadata(String mode) throws Exception {
    String[] persistence = mode.startsWith("aof") ? new String[] {"--appendonly", "yes", "--appendfsync", "always"}
        : new String[0];
    try (RedisServer server = RedisServer.launch(persistence)) {
      CacheManager m = manager("jadugar.store", "redis", "jadugar.redis.address", server.address(),
          "jadugar.redis.timeout", "1s", "jadugar.redis.connect-timeout", "1s",
          "jadugar.redis.expiry-grace", GRACE.toMillis() + "ms",
          "jadugar.redis.events", mode.equals("aof-no-events") ? "false" : "true");
      try {
        JadugarCache<String, String> c = cache(m);
        Written w = write(c);
        String key = redisKey(server, "short");
        long serverExpiry = pexpiretime(server, key);
        long wanted = w.shortLived().expiresAt().toEpochMilli() + GRACE.toMillis();
        if (mode.equals("aof-no-events")) {
          // a plain SET ... PX: relative, counted from this JVM's clock when sent, Redis's when received
          assertTrue(serverExpiry >= wanted && serverExpiry <= wanted + 1000,
              mode + ": Redis's own expiry " + serverExpiry + " is about the entry's plus the grace, " + wanted);
        } else {
          assertEquals(wanted, serverExpiry, mode + ": Redis's own expiry is the entry's plus the grace (PXAT)");
        }
        String unread = redisKey(server, "unread");
        long unreadExpiry = pexpiretime(server, unread);
        assertTrue(unreadExpiry >= serverExpiry, mode + ": written after the first");
        if (mode.equals("rdb")) {
          assertEquals("OK", server.cli("SAVE").trim());
        }
        server.kill();
        server.start(); // same port, same directory
        // the server reloaded the key with its absolute expiry, before any client touched it
        assertEquals(serverExpiry, pexpiretime(server, key), mode + ": Redis's expiry after the restart");
        assertEquals(unreadExpiry, pexpiretime(server, unread), mode + ": Redis's expiry after the restart");
        assertEquals(-1L, pexpiretime(server, redisKey(server, "eternal")), mode + ": no expiry for the eternal one");
        afterReconnect(mode, () -> c.getEntry("plain"));
        assertSame("redis " + mode, w, c);
        assertGoneOnTime("redis " + mode, c, w.shortLived().expiresAt());
        // and Redis itself drops the unread key at its own expiry (the engine deleted the one it read expired)
        while (true) {
          long start = System.currentTimeMillis();
          boolean exists = server.cli("EXISTS", unread).trim().equals("1");
          long end = System.currentTimeMillis();
          if (!exists) {
            assertTrue(end >= unreadExpiry, mode + ": Redis dropped " + unread + " at " + end + ", before " + unreadExpiry);
            break;
          }
          assertTrue(start < unreadExpiry + LATE.toMillis(), mode + ": Redis still holds " + unread + " at " + start);
          pause(20);
        }
        assertEquals("v2", c.get("eternal"));
      } finally {
        m.close();
      }
    }
  }

  /** The Redis key of the cache's String key {@code key}. */
  private static String redisKey(RedisServer server, String key) throws IOException {
    List<String> found = new ArrayList<>();
    for (String k : server.cli("--raw", "KEYS", "*restart*").split("\n")) {
      if (k.endsWith(":s" + key)) {
        found.add(k);
      }
    }
    assertEquals(1, found.size(), "the Redis key of " + key + ": " + found);
    return found.get(0);
  }

  /** {@code PEXPIRETIME}: the absolute expiry in epoch ms, -1 for none, -2 for no such key. */
  private static long pexpiretime(RedisServer server, String key) throws IOException {
    return Long.parseLong(server.cli("PEXPIRETIME", key).trim().replace("(integer) ", ""));
  }

  // -------------------------------------------------------------------------------------- memcached

  /**
   * memcached 1.6 restarts warm from a memory file ({@code -e}, after a SIGUSR1 that saves it): the
   * entries come back as they were, and memcached's own exptime, absolute, still drops them.
   */
  @Test
  void memcachedWarmRestartedGivesBackTheSameExpiryAndMetadata() throws Exception {
    Path memory = Files.createTempFile(Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"),
        "jadugar-restart-", ".mem");
    Files.delete(memory); // memcached makes it
    try (MemcachedServer server = MemcachedServer.launch("-e", memory.toString())) {
      CacheManager m = memcached(server);
      try {
        JadugarCache<String, String> c = cache(m);
        Written w = write(c);
        server.setRaw("jadugar-test-probe", "kept".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        server.restartKeepingContents();
        assertTrue(server.send("get jadugar-test-probe").contains("kept"),
            "memcached restarted warm: a key set by hand is back");
        // until the client is back on it, the server's keys read as misses ("miss" failure mode): wait
        // for it, and for its connection to serve reads (the eternal entry must come back)
        awaitUp(c);
        long served = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (c.getEntry("eternal") == null && System.nanoTime() < served) {
          pause(20);
        }
        assertSame("memcached warm", w, c);
        assertGoneOnTime("memcached warm", c, w.shortLived().expiresAt());
        // memcached frees the unread item itself, at its exptime (whole seconds, rounded up and one more)
        Store raw = c.unwrap(Store.class);
        Object storeKey = AllStores.storeKey("unread");
        long deadline = w.unread().expiresAt().toEpochMilli() + 3000;
        while (raw.get(storeKey) != null) {
          assertTrue(System.currentTimeMillis() < deadline, "memcached still holds the expired entry");
          pause(50);
        }
        assertEquals("v2", c.get("eternal"));
      } finally {
        m.close();
      }
    } finally {
      Files.deleteIfExists(memory);
    }
  }

  /**
   * Without a memory file, a killed memcached comes back empty: every read is a clean miss (no
   * exception, no corrupt entry counted), from the first read after the restart on, and the cache
   * works as a fresh one.
   */
  @Test
  void memcachedKilledAndRestartedColdIsACleanMiss() throws Exception {
    try (MemcachedServer server = MemcachedServer.launch()) {
      CacheManager m = memcached(server);
      try {
        JadugarCache<String, String> c = cache(m);
        write(c);
        long hitsBefore = c.metrics().hits();
        server.stop(); // SIGKILL
        server.start();
        // no retry here: a server that is back but not yet reconnected is a miss too ("miss" failure mode)
        for (String k : List.of("short", "eternal", "plain", "unread")) {
          assertNull(c.getEntry(k), k);
          assertNull(c.get(k), k);
          assertFalse(c.containsKey(k), k);
        }
        assertEquals(Map.of(), c.getAll(java.util.Set.of("short", "eternal", "plain", "unread")));
        // once reconnected, the cache is a fresh one on the same server
        awaitUp(c);
        for (String k : List.of("short", "eternal", "plain", "unread")) {
          assertNull(c.getEntry(k), k + " after the reconnect");
        }
        assertFalse(c.iterator().hasNext(), "nothing survives a cold restart");
        assertEquals(0L, c.metrics().corruptEntries(), "no corrupt entry: " + c.metrics());
        assertEquals(hitsBefore, c.metrics().hits(), "no hit after the restart: " + c.metrics());
        c.put("short", "again", SHORT);
        assertEquals("again", c.getEntry("short").value());
        assertEquals(SHORT.metadata(), c.getEntry("short").metadata());
      } finally {
        m.close();
      }
    }
  }

  private static CacheManager memcached(MemcachedServer server) {
    return manager("jadugar.store", "memcached", "jadugar.memcached.servers", server.hostPort(),
        "jadugar.memcached.operation-timeout", "1s", "jadugar.memcached.reconnect-delay", "1s");
  }

  private static void awaitUp(JadugarCache<String, String> c) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (c.health(Duration.ofSeconds(1)).status() != HealthStatus.UP) {
      assertTrue(System.nanoTime() < deadline, "memcached did not come back: " + c.health());
      pause(100);
    }
  }
}
