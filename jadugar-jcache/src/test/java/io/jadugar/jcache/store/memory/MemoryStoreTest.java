package io.jadugar.jcache.store.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.processor.EntryProcessor;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The memory store: its bound, eviction reporting, expiry without reads, and the CAS loop. */
class MemoryStoreTest {

  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = Caching.getCachingProvider().getCacheManager(URI.create("test:memory-store"),
        getClass().getClassLoader(), new Properties());
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static long statistic(CacheManager m, String cache, String attribute) throws Exception {
    ObjectName name = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
        + m.getURI().toString().replaceAll("[,:=\n]", ".") + ",Cache=" + cache);
    return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
  }

  /** The number of entries once it is at most {@code bound}, or after a 10 s deadline. */
  private static int sizeWhenSettled(Cache<?, ?> c, int bound) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      int size = 0;
      for (Cache.Entry<?, ?> ignored : c) {
        size++;
      }
      if (size <= bound || System.currentTimeMillis() > deadline) {
        return size;
      }
      Thread.sleep(10);
    }
  }

  @Test
  void staysWithinItsSizeBoundAndCountsEvictions() throws Exception {
    Cache<Integer, Integer> c = manager.createCache("bounded", new JadugarConfiguration<Integer, Integer>()
        .setMaximumSize(100).setStatisticsEnabled(true).setTypes(Integer.class, Integer.class));
    for (int i = 0; i < 1_000; i++) {
      c.put(i, i);
    }
    // Caffeine evicts on its own executor: wait for it, with a deadline
    int size = sizeWhenSettled(c, 100);
    assertTrue(size <= 100, "size " + size);
    assertTrue(size > 0);
    long deadline = System.currentTimeMillis() + 10_000;
    while (statistic(manager, "bounded", "CacheEvictions") < 1_000 - size && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1_000 - size, statistic(manager, "bounded", "CacheEvictions"));
  }

  @Test
  void weightBoundUsesTheConfiguredWeigher() throws Exception {
    Cache<Integer, String> c = manager.createCache("weighted", new JadugarConfiguration<Integer, String>()
        .setSetting("jadugar.memory.maximum-weight", "1000")
        .setSetting("jadugar.memory.weigher", LengthWeigher.class.getName())
        .setTypes(Integer.class, String.class));
    for (int i = 0; i < 100; i++) {
      c.put(i, "x".repeat(100));
    }
    int size = sizeWhenSettled(c, 10);
    assertTrue(size <= 10, "size " + size);
  }

  /** Weighs a string value by its length. */
  public static final class LengthWeigher implements EntryWeigher {
    @Override
    public int weigh(Object key, Object value) {
      return ((String) value).length();
    }
  }

  /** Collects expired events. */
  public static final class ExpiredCollector implements CacheEntryExpiredListener<String, String>, java.io.Serializable {
    static final List<String> EXPIRED = new CopyOnWriteArrayList<>();

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> EXPIRED.add(e.getKey()));
    }
  }

  @Test
  void expiredEntriesAreRemovedAndReportedWithoutBeingRead() throws Exception {
    Cache<String, String> c = manager.createCache("unread", new JadugarConfiguration<String, String>()
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.MILLISECONDS, 100)))
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(ExpiredCollector.class), null, false, true))
        .setTypes(String.class, String.class));
    ExpiredCollector.EXPIRED.clear();
    c.put("a", "1");
    c.put("b", "2");
    // nothing reads the entries: only the store's own expiry can report them
    long deadline = System.currentTimeMillis() + 10_000;
    while (ExpiredCollector.EXPIRED.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(List.of("a", "b"), ExpiredCollector.EXPIRED.stream().sorted().toList());
    assertTrue(!c.iterator().hasNext());
  }

  @Test
  void casLoopLosesNoUpdateUnderContention() throws Exception {
    // the default Store.compute, a compare-and-set loop, as remote stores run it
    Cache<String, Long> c = manager.createCache("cas", new JadugarConfiguration<String, Long>()
        .setStore(CasOnlyMemoryStoreFactory.NAME).setTypes(String.class, Long.class));
    assertTrue(c.unwrap(io.jadugar.jcache.spi.Store.class) instanceof CasOnlyMemoryStoreFactory.CasOnlyStore);
    EntryProcessor<String, Long, Void> increment = (entry, args) -> {
      entry.setValue(entry.exists() ? entry.getValue() + 1 : 1L);
      return null;
    };
    int threads = 8;
    int perThread = 2_000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          c.invoke("k" + (i % 3), increment);
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    long total = c.get("k0") + c.get("k1") + c.get("k2");
    assertEquals((long) threads * perThread, total);
  }

  /** Whether the store itself (not only the engine's read) no longer holds {@code key}, within 10 s. */
  private static boolean droppedByTheStore(io.jadugar.jcache.spi.Store raw, Object key) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (raw.get(key) != null) {
      if (System.currentTimeMillis() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Test
  void anOwnTimeToLiveRewrittenLaterOrShorterIsDroppedOnTimeInAnEternalCache() throws Exception {
    // no expiry policy: Caffeine keeps no timers, the store's own timers (one per key) do the work
    JadugarCache<String, String> c = manager.createCache("own-ttl", new JadugarConfiguration<String, String>()
        .setTypes(String.class, String.class)).unwrap(JadugarCache.class);
    io.jadugar.jcache.spi.Store raw = c.unwrap(io.jadugar.jcache.spi.Store.class);
    // a later time to live over an earlier one is not handed to the timers: the key's timer finds it
    c.put("later", "1", EntryOptions.ttl(java.time.Duration.ofMillis(200)));
    c.put("later", "2", EntryOptions.ttl(java.time.Duration.ofMillis(1_500)));
    // a shorter one is
    c.put("shorter", "1", EntryOptions.ttl(java.time.Duration.ofHours(1)));
    c.put("shorter", "2", EntryOptions.ttl(java.time.Duration.ofMillis(200)));
    // an eternal write over a timed one stays
    c.put("eternal", "1", EntryOptions.ttl(java.time.Duration.ofMillis(200)));
    c.put("eternal", "2");
    long start = System.currentTimeMillis();
    assertTrue(droppedByTheStore(raw, "shorter"), "the shorter time to live is enforced");
    assertTrue(droppedByTheStore(raw, "later"), "the later time to live is enforced");
    assertTrue(System.currentTimeMillis() - start >= 1_500, "not before its time");
    assertEquals("2", c.get("eternal"));
  }

  @Test
  void theSweepScansOnlyWhileTimedEntriesLiveAndDropsThemAmongManyOthers() throws Exception {
    JadugarCache<Integer, String> c = manager.createCache("own-ttl-sweep", new JadugarConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)).unwrap(JadugarCache.class);
    MemoryStore raw = (MemoryStore) c.unwrap(io.jadugar.jcache.spi.Store.class);
    // many eternal entries, a few timed ones among them, and timed ones removed before their time
    for (int i = 0; i < 20_000; i++) {
      c.put(i, "eternal");
    }
    for (int i = -10; i < 0; i++) {
      c.put(i, "short", EntryOptions.ttl(java.time.Duration.ofMillis(300)));
    }
    for (int i = 20_000; i < 25_000; i++) {
      c.put(i, "v", EntryOptions.ttl(java.time.Duration.ofHours(1)));
      c.remove(i);
    }
    for (int i = -10; i < 0; i++) {
      assertTrue(droppedByTheStore(raw, i), "key " + i + " dropped on time");
    }
    assertEquals(20_000, countIn(raw), "the eternal entries stay");
    // nothing timed is left: after one more scan finds none, the sweep stops scanning
    Thread.sleep(2 * TtlSweep.PERIOD_MILLIS + TtlSweep.TICK_MILLIS);
    long scans = raw.sweep().scans();
    Thread.sleep(2 * TtlSweep.PERIOD_MILLIS + TtlSweep.TICK_MILLIS);
    assertEquals(scans, raw.sweep().scans(), "scans of a store without timed entries");
    // and a timed write starts it again
    c.put(-1, "again", EntryOptions.ttl(java.time.Duration.ofMillis(200)));
    assertTrue(droppedByTheStore(raw, -1), "dropped after the sweep stopped and started again");
    assertTrue(raw.sweep().scans() > scans, "scanned again");
  }

  @Test
  void manyTimedKeysWrittenAtOnceFromFourThreadsAreAllDroppedOnTime() throws Exception {
    JadugarCache<Integer, String> c = manager.createCache("own-ttl-burst", new JadugarConfiguration<Integer, String>()
        .setTypes(Integer.class, String.class)).unwrap(JadugarCache.class);
    MemoryStore raw = (MemoryStore) c.unwrap(io.jadugar.jcache.spi.Store.class);
    // a scan running while they are written must not lose the ones it did not see
    int keys = 65_536;
    io.jadugar.jcache.testing.Threads.runAll(4, "timed writer", t -> {
      for (int i = t; i < keys; i += 4) {
        c.put(i, "v", EntryOptions.ttl(java.time.Duration.ofMillis(300)));
      }
    });
    assertEquals(keys, countIn(raw), "all written");
    long deadline = System.currentTimeMillis() + 10_000;
    while (countIn(raw) > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(0, countIn(raw), "every timed key dropped by the store");
  }

  private static int countIn(io.jadugar.jcache.spi.Store raw) {
    int n = 0;
    for (java.util.Iterator<?> it = raw.iterator(); it.hasNext(); it.next()) {
      n++;
    }
    return n;
  }
}
