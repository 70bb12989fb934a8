package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.store.redis.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A write-back whose Redis journal lives on the cache's own Redis server: a put is the journal's
 * record and the entry's write in one script, one round trip, without the key's lock; it still waits
 * for an operation that holds the lock, and the writer ends with what the cache holds. A journal on
 * another server is never written through the cache's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JournalInTheCacheStoreTest {

  private RedisServer redis;
  private RedisServer other;

  @BeforeAll
  void start() throws Exception {
    redis = RedisServer.launch();
    other = RedisServer.launch();
  }

  @AfterAll
  void stop() {
    if (redis != null) {
      redis.close();
    }
    if (other != null) {
      other.close();
    }
  }

  /** A cache on {@code cacheServer} written back through a Redis journal on {@code journalServer}. */
  private static WriteBackRig rig(RedisServer cacheServer, RedisServer journalServer, String name) {
    Properties p = new Properties();
    p.setProperty("jadugar.redis.timeout", "1s");
    p.setProperty("jadugar.redis.retry-attempts", "0");
    return WriteBackRig.open(URI.create(cacheServer.address() + "/" + name), p, journalServer, name);
  }

  @Test
  void aPutIsOneRoundTripAndReachesTheWriter() throws Exception {
    try (WriteBackRig rig = rig(redis, redis, "together")) {
      rig.cache().put("warm", "0"); // reads the journal's id once, through the journal's own client
      for (int i = 0; i < 5; i++) {
        String v = "v" + i;
        assertEquals(1, rig.trips(() -> rig.cache().put("k", v)), "a put: the record and the entry in one script");
      }
      assertEquals("v4", rig.cache().get("k"));
      rig.wb().flush();
      assertEquals("v4", rig.last("k"));
      assertEquals("0", rig.last("warm"));
      assertEquals(List.of(), rig.writer().overlaps);
      // what the lock costs when the journal is elsewhere: a put takes the key's lock first
      long locked = rig.trips(() -> rig.cache().getAndPut("k", "w"));
      assertTrue(locked >= 3, "getAndPut goes the locked way: " + locked + " round trips");
    }
  }

  /** Hears another cache manager's changes, as another JVM would. */
  public static final class Heard implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String> {
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> EVENTS.add(e.getEventType() + " " + e.getKey() + "=" + e.getValue() + " old=" + e.getOldValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      onCreated(events);
    }
  }

  @Test
  void otherCacheManagersHearTheRecordedPuts() throws Exception {
    JadugarCachingProvider elsewhere = new JadugarCachingProvider();
    try (WriteBackRig rig = rig(redis, redis, "heard")) {
      Heard.EVENTS.clear();
      elsewhere.getCacheManager(URI.create(redis.address() + "/heard"), getClass().getClassLoader(), new Properties())
          .createCache("heard", new MutableConfiguration<String, String>().setTypes(String.class, String.class)
              .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                  FactoryBuilder.factoryOf(Heard.class), null, true, true)));
      rig.cache().put("k", "1");
      rig.cache().put("k", "2");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (Heard.EVENTS.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(List.of("CREATED k=1 old=null", "UPDATED k=2 old=1"), Heard.EVENTS);
      rig.wb().flush();
      assertEquals("2", rig.last("k"));
    } finally {
      elsewhere.close();
    }
  }

  @Test
  void aJournalOnAnotherServerIsNeverWrittenThroughTheCacheServer() throws Exception {
    try (WriteBackRig rig = rig(redis, other, "apart")) {
      rig.cache().put("a", "1"); // offered once, declined: the cache's Redis has no such journal
      long trips = rig.trips(() -> rig.cache().put("a", "2"));
      assertTrue(trips >= 2, "the lock and the write, the record no longer offered: " + trips);
      rig.wb().flush();
      assertEquals("2", rig.last("a"));
      assertEquals("2", rig.cache().get("a"));
      assertEquals("", redis.cli("--scan", "--pattern", "jadugar:write-back:{apart}:*").trim(),
          "nothing of the journal on the cache's server");
      assertTrue(!other.cli("--scan", "--pattern", "jadugar:write-back:{apart}:*").isBlank(), "the journal is on its own");
    }
  }

  @Test
  void aPutWaitsForTheOperationThatHoldsTheKeysLock() throws Exception {
    try (WriteBackRig rig = rig(redis, redis, "waits")) {
      rig.cache().put("k", "0");
      CountDownLatch inside = new CountDownLatch(1);
      CompletableFuture<Void> invoke = CompletableFuture.runAsync(() -> rig.cache().invoke("k", (e, a) -> {
        inside.countDown();
        try {
          Thread.sleep(400);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
        e.setValue("invoked");
        return null;
      }));
      assertTrue(inside.await(10, TimeUnit.SECONDS));
      long start = System.nanoTime();
      rig.cache().put("k", "put"); // begun while the invoke holds the key: ordered after it
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      invoke.get(10, TimeUnit.SECONDS);
      assertTrue(waited >= 200, "the put waited for the invoke's lock: " + waited + " ms");
      assertEquals("put", rig.cache().get("k"));
      rig.wb().flush();
      assertEquals("put", rig.last("k"), "the writer ends with what the cache holds");
    }
  }

  @Test
  void putsWithoutTheLockAndLockedOperationsAgreeWithTheWriter() throws Exception {
    try (WriteBackRig rig = rig(redis, redis, "mixed")) {
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
      for (int t = 0; t < 6; t++) {
        int me = t;
        threads.add(new Thread(() -> {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          int i = 0;
          try {
            while (System.nanoTime() < until) {
              String k = "k" + r.nextInt(4);
              String v = me + ":" + i++;
              switch (r.nextInt(6)) {
                case 0, 1 -> rig.cache().put(k, v);
                case 2 -> rig.cache().invoke(k, (e, a) -> {
                  e.setValue(v + "i");
                  return null;
                });
                case 3 -> {
                  Map<String, String> batch = new HashMap<>();
                  batch.put(k, v + "a");
                  batch.put("k" + r.nextInt(4), v + "b");
                  rig.cache().putAll(batch);
                }
                case 4 -> rig.cache().replace(k, v + "r");
                default -> rig.cache().removeAll(new HashSet<>(List.of(k, "k" + r.nextInt(4))));
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        }));
      }
      threads.forEach(Thread::start);
      for (Thread t : threads) {
        t.join();
      }
      assertEquals(List.of(), failures);
      rig.wb().flush();
      for (int i = 0; i < 4; i++) {
        String k = "k" + i;
        assertEquals(rig.cache().get(k), rig.last(k), k + ": the cache and the writer's last change");
      }
      assertEquals(List.of(), rig.writer().overlaps);
    }
  }

  @Test
  void aServerKilledAndRestartedEmptyIsRecordedAgainOnceTheJournalHasAnIdThere() throws Exception {
    try (RedisServer own = RedisServer.launch(); WriteBackRig rig = rig(own, own, "restarted")) {
      rig.cache().put("k", "1");
      assertEquals(1, rig.trips(() -> rig.cache().put("k", "2")));
      own.kill(); // SIGKILL, no persistence: the journal and its id are gone with the entries
      CacheException down = assertThrows(CacheException.class, () -> rig.cache().put("k", "3"));
      assertTrue(String.valueOf(down.getMessage()).contains("127.0.0.1:" + own.port()), down.getMessage());
      own.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          rig.cache().put("k", "4"); // the record is declined (no id), the journal makes a new id, the put goes locked
          break;
        } catch (CacheException again) {
          assertTrue(System.nanoTime() < deadline, "puts did not resume: " + again);
          Thread.sleep(100);
        }
      }
      assertEquals(1, rig.trips(() -> rig.cache().put("k", "5")), "recorded again, in one round trip");
      rig.wb().flush();
      assertEquals("5", rig.last("k"));
      assertEquals("5", rig.cache().get("k"));
    }
  }

  @Test
  void aPausedServerFailsThePutInTimeAndLeavesTheCacheAndTheJournalAgreeing() throws Exception {
    try (WriteBackRig rig = rig(redis, redis, "paused")) {
      rig.cache().put("k", "old");
      rig.wb().flush();
      redis.pause();
      CacheException e;
      long start = System.nanoTime();
      try {
        e = assertThrows(CacheException.class, () -> rig.cache().put("k", "new"));
      } finally {
        redis.resume();
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < 5_000, "failed after " + millis + " ms");
      assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1:" + redis.port()), e.getMessage());
      rig.wb().flush();
      // the script may have run when the server resumed: then both have "new", else both "old"
      String cached = rig.cache().get("k");
      String last = rig.last("k");
      assertTrue(cached == null || cached.equals(last), "cached " + cached + ", the writer has " + last);
      rig.cache().put("k", "after");
      rig.wb().flush();
      assertEquals("after", rig.last("k"));
      assertEquals("after", rig.cache().get("k"));
    }
  }
}
