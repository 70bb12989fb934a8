package io.jadugar.jcache.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.net.URI;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

/**
 * Exact statistics values as seen through the
 * {@code javax.cache:type=CacheStatistics} MXBean, following the table in
 * section 12.4 of the JSR-107 specification and the
 * {@link CacheStatisticsMXBean} javadoc.
 */
class StatisticsTest extends BehaviourTestBase {

  private Cache<String, Integer> statsCache() {
    return createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setStatisticsEnabled(true));
  }

  private static final Stats ZERO = new Stats(0, 0, 0, 0);

  @Test
  void freshCacheHasAllCountersAtZero() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    assertStats("fresh cache", stats, ZERO);
    assertEquals(0f, stats.getCacheHitPercentage(), 0.0001f);
    assertEquals(0f, stats.getCacheMissPercentage(), 0.0001f);
  }

  @Test
  void getCountsHitsAndMissesAndPutCountsPuts() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);

    cache.put("a", 1);
    cache.put("a", 2);          // an overwrite is a put too
    cache.put("b", 1);
    assertStats("after 3 puts", stats, new Stats(0, 0, 3, 0));

    cache.get("a");
    cache.get("a");
    cache.get("b");
    cache.get("missing");
    assertStats("after 3 hits and 1 miss", stats, new Stats(3, 1, 3, 0));
    assertEquals(75f, stats.getCacheHitPercentage(), 0.01f);
    assertEquals(25f, stats.getCacheMissPercentage(), 0.01f);
  }

  @Test
  void containsKeyIsNotAGet() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);
    assertTrue(cache.containsKey("a"));
    assertFalse(cache.containsKey("b"));
    assertStats("containsKey touches nothing", stats, new Stats(0, 0, 1, 0));
  }

  @Test
  void getAllCountsAHitOrMissPerKey() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);
    cache.put("b", 2);

    Map<String, Integer> result = cache.getAll(keys("a", "b", "x", "y", "z"));
    assertEquals(Map.of("a", 1, "b", 2), result);
    assertStats("getAll of 2 present and 3 absent keys", stats, new Stats(2, 3, 2, 0));
    assertEquals(40f, stats.getCacheHitPercentage(), 0.01f);
    assertEquals(60f, stats.getCacheMissPercentage(), 0.01f);
  }

  @Test
  void putAllCountsOnePutPerEntry() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 0);
    Map<String, Integer> batch = new LinkedHashMap<>();
    batch.put("a", 1);
    batch.put("b", 2);
    batch.put("c", 3);
    cache.putAll(batch);
    assertStats("1 put + putAll of 3", stats, new Stats(0, 0, 4, 0));
  }

  /** Spec table: putIfAbsent affects puts, hits and misses. */
  @Test
  void putIfAbsentCountsAMissAndAPutWhenAbsentAndAHitWhenPresent() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);

    assertTrue(cache.putIfAbsent("a", 1));
    assertStats("putIfAbsent on an absent key: 1 miss, 1 put", stats, new Stats(0, 1, 1, 0));

    assertFalse(cache.putIfAbsent("a", 2));
    assertStats("putIfAbsent on a present key: 1 hit, no put", stats, new Stats(1, 1, 1, 0));
  }

  @Test
  void getAndPutCountsAHitOrMissAndAlwaysAPut() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    assertNull(cache.getAndPut("a", 1));
    assertStats("getAndPut on absent key", stats, new Stats(0, 1, 1, 0));
    assertEquals(1, cache.getAndPut("a", 2));
    assertStats("getAndPut on present key", stats, new Stats(1, 1, 2, 0));
  }

  @Test
  void removalsAreCountedOnlyWhenSomethingWasRemoved() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);
    cache.put("b", 2);

    assertTrue(cache.remove("a"));
    assertFalse(cache.remove("a"));
    assertStats("remove(k): one removal, and remove(k) is not a get", stats,
        new Stats(0, 0, 2, 1));

    assertEquals(2, cache.getAndRemove("b"));
    assertNull(cache.getAndRemove("b"));
    assertStats("getAndRemove: hit+removal, then miss", stats, new Stats(1, 1, 2, 2));
  }

  @Test
  void conditionalRemoveCountsHitsMissesAndRemovals() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);

    assertFalse(cache.remove("absent", 1));
    assertStats("remove(k,v) on absent key: miss", stats, new Stats(0, 1, 1, 0));
    assertFalse(cache.remove("a", 2));
    assertStats("remove(k,v) with wrong value: hit, no removal", stats, new Stats(1, 1, 1, 0));
    assertTrue(cache.remove("a", 1));
    assertStats("remove(k,v) matching: hit + removal", stats, new Stats(2, 1, 1, 1));
  }

  @Test
  void replaceVariantsCountHitsMissesAndPuts() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);

    assertFalse(cache.replace("a", 1));
    assertStats("replace(k,v) absent: miss", stats, new Stats(0, 1, 0, 0));
    cache.put("a", 1);
    assertTrue(cache.replace("a", 2));
    assertStats("replace(k,v) present: hit + put", stats, new Stats(1, 1, 2, 0));

    assertFalse(cache.replace("a", 99, 3));
    assertStats("replace(k,o,n) mismatch: hit, no put", stats, new Stats(2, 1, 2, 0));
    assertTrue(cache.replace("a", 2, 3));
    assertStats("replace(k,o,n) match: hit + put", stats, new Stats(3, 1, 3, 0));
    assertFalse(cache.replace("absent", 1, 2));
    assertStats("replace(k,o,n) absent: miss", stats, new Stats(3, 2, 3, 0));

    assertEquals(3, cache.getAndReplace("a", 4));
    assertNull(cache.getAndReplace("absent", 1));
    assertStats("getAndReplace: hit+put, then miss", stats, new Stats(4, 3, 4, 0));
  }

  @Test
  void removeAllCountsEachRemovedEntryButClearCountsNothing() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    for (int i = 0; i < 5; i++) {
      cache.put("k" + i, i);
    }
    cache.removeAll(keys("k0", "k1", "absent"));
    assertStats("removeAll(keys) with 2 present", stats, new Stats(0, 0, 5, 2));
    cache.removeAll();
    assertStats("removeAll() of the 3 left", stats, new Stats(0, 0, 5, 5));

    cache.put("x", 1);
    cache.put("y", 1);
    cache.clear();
    assertFalse(cache.containsKey("x"));
    assertStats("clear() is not counted as removals", stats, new Stats(0, 0, 7, 5));
  }

  @Test
  void iterationCountsAHitPerEntry() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    int seen = 0;
    for (Cache.Entry<String, Integer> e : cache) {
      assertTrue(e.getValue() > 0);
      seen++;
    }
    assertEquals(3, seen);
    assertStats("iterating 3 entries", stats, new Stats(3, 0, 3, 0));

    Iterator<Cache.Entry<String, Integer>> it = cache.iterator();
    it.next();
    it.remove();
    assertStats("iterator.remove() is a removal", stats, new Stats(4, 0, 3, 1));
  }

  /**
   * {@link CacheStatisticsMXBean#getCacheHits()} javadoc: for an entry processor
   * a hit occurs when the key exists "even if no methods of Cache.Entry or
   * MutableEntry are called"; a miss when the key does not exist.
   */
  @Test
  void invokeOnAnExistingKeyCountsAHitEvenIfTheProcessorDoesNothing() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);

    cache.invoke("a", new NoOp());
    assertStats("no-op invoke on present key", stats, new Stats(1, 0, 1, 0));

    cache.invoke("absent", new NoOp());
    assertStats("no-op invoke on absent key", stats, new Stats(1, 1, 1, 0));
  }

  @Test
  void invokeCountsPutsAndRemovalsForWhatTheProcessorDid() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);

    assertEquals(2, cache.invoke("a", new Increment()));
    assertStats("increment of present key: hit + put", stats, new Stats(1, 0, 2, 0));

    assertEquals(1, cache.invoke("b", new Increment()));
    assertStats("increment of absent key: miss + put", stats, new Stats(1, 1, 3, 0));

    cache.invoke("a", new RemoveIt());
    assertStats("remove via invoke: hit + removal", stats, new Stats(2, 1, 3, 1));
  }

  @Test
  void readThroughLoadIsAMissButNotAPut() {
    MutableConfiguration<String, Integer> config = new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setStatisticsEnabled(true)
        .setReadThrough(true)
        .setCacheLoaderFactory(Handles.factoryOf(new LengthLoader()));
    Cache<String, Integer> cache = createCache(config);
    CacheStatisticsMXBean stats = statistics(cache);

    assertEquals(3, cache.get("abc"));
    assertStats("a read-through load: one miss, no put", stats, new Stats(0, 1, 0, 0));
    assertEquals(3, cache.get("abc"));
    assertStats("the loaded value is then a hit", stats, new Stats(1, 1, 0, 0));
  }

  @Test
  void evictionsStayZeroForAnUnboundedCache() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    for (int i = 0; i < 20_000; i++) {
      cache.put("k" + i, i);
    }
    assertStats("20000 puts into an unbounded cache", stats, new Stats(0, 0, 20_000, 0));
    assertEquals(0, stats.getCacheEvictions());
    int present = 0;
    for (int i = 0; i < 20_000; i += 97) {
      if (cache.containsKey("k" + i)) {
        present++;
      }
    }
    assertEquals((20_000 + 96) / 97, present, "nothing was evicted");
  }

  @Test
  void clearOnTheMXBeanResetsEveryCounterAndCountingResumesFromZero() {
    Cache<String, Integer> cache = statsCache();
    CacheStatisticsMXBean stats = statistics(cache);
    cache.put("a", 1);
    cache.get("a");
    cache.get("b");
    cache.remove("a");
    assertStats("before clear", stats, new Stats(1, 1, 1, 1));

    stats.clear();
    assertStats("after clear", stats, ZERO);
    assertEquals(0f, stats.getCacheHitPercentage(), 0.0001f);

    cache.put("c", 1);
    cache.get("c");
    assertStats("counting resumes after clear", stats, new Stats(1, 0, 1, 0));
    assertEquals(100f, stats.getCacheHitPercentage(), 0.01f);
  }

  @Test
  void clearingStatisticsDoesNotTouchTheCacheContents() {
    Cache<String, Integer> cache = statsCache();
    cache.put("a", 1);
    statistics(cache).clear();
    assertEquals(1, cache.get("a"));
  }

  @Test
  void statisticsMXBeanIsOnlyRegisteredWhileStatisticsAreEnabled() {
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
    ObjectName name = statisticsName(cache);
    assertFalse(mbeanServer().isRegistered(name), "statistics are disabled by default");
    assertFalse(cache.getConfiguration(CompleteConfiguration.class).isStatisticsEnabled());

    cache.put("before", 1);
    cache.get("before");

    cache.getCacheManager().enableStatistics(cache.getName(), true);
    assertTrue(mbeanServer().isRegistered(name), "registered once enabled at runtime");
    assertTrue(cache.getConfiguration(CompleteConfiguration.class).isStatisticsEnabled());
    CacheStatisticsMXBean stats = statistics(cache);
    assertStats("operations done while disabled were not counted", stats, ZERO);

    cache.put("a", 1);
    cache.get("a");
    cache.get("b");
    assertStats("counted after enabling at runtime", stats, new Stats(1, 1, 1, 0));

    cache.getCacheManager().enableStatistics(cache.getName(), false);
    assertFalse(mbeanServer().isRegistered(name), "unregistered once disabled");
    assertFalse(cache.getConfiguration(CompleteConfiguration.class).isStatisticsEnabled());
  }

  @Test
  void statisticsMXBeanIsUnregisteredWhenTheCacheIsDestroyed() {
    Cache<String, Integer> cache = statsCache();
    ObjectName name = statisticsName(cache);
    assertTrue(mbeanServer().isRegistered(name));
    cache.getCacheManager().destroyCache(cache.getName());
    assertFalse(mbeanServer().isRegistered(name));
  }

  /**
   * The ObjectName uses the manager URI and cache name with ',' ':' '=' and
   * newline replaced by '.', unquoted.
   */
  @Test
  void objectNameSanitizesTheManagerUriAndCacheName() throws Exception {
    URI uri = URI.create("urn:jadugar-behaviour:stats-naming-" + System.nanoTime());
    CacheManager manager = provider().getCacheManager(uri, provider().getDefaultClassLoader());
    try {
      String name = "odd,name=with:chars-" + System.nanoTime();
      Cache<String, Integer> cache = createCache(manager, name,
          new MutableConfiguration<String, Integer>()
              .setTypes(String.class, Integer.class)
              .setStatisticsEnabled(true));

      ObjectName expected = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
          + uri.toString().replace(':', '.') + ",Cache="
          + name.replace(',', '.').replace('=', '.').replace(':', '.'));
      assertTrue(mbeanServer().isRegistered(expected), "expected " + expected + " to be registered");

      cache.put("a", 1);
      cache.get("a");
      assertStats("stats via the sanitized name", statistics(cache), new Stats(1, 0, 1, 0));
    } finally {
      manager.close();
    }
  }

  // ------------------------------------------------------------ helpers

  static final class NoOp implements EntryProcessor<String, Integer, Void>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Void process(MutableEntry<String, Integer> entry, Object... arguments) {
      return null;
    }
  }

  static final class Increment implements EntryProcessor<String, Integer, Integer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer process(MutableEntry<String, Integer> entry, Object... arguments) {
      int next = entry.exists() ? entry.getValue() + 1 : 1;
      entry.setValue(next);
      return next;
    }
  }

  static final class RemoveIt implements EntryProcessor<String, Integer, Void>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Void process(MutableEntry<String, Integer> entry, Object... arguments) {
      entry.remove();
      return null;
    }
  }

  static final class LengthLoader implements CacheLoader<String, Integer> {
    @Override
    public Integer load(String key) {
      return key.length();
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      Map<String, Integer> out = new LinkedHashMap<>();
      for (String k : keys) {
        out.put(k, k.length());
      }
      return out;
    }
  }
}
