package io.jadugar.jcache.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListener;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.spi.CachingProvider;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * Shared plumbing for the behaviour tests: the provider found by
 * {@link Caching#getCachingProvider()}, uniquely named caches that are destroyed
 * after each test, JMX look-ups of the statistics MXBean and deadline-bounded
 * polling.
 *
 * <p>Everything here goes through the standard {@code javax.cache} API only. The
 * store behind it is chosen by configuration: see {@link BehaviourStore}.
 */
abstract class BehaviourTestBase {

  /** How long to wait for something that should happen "eventually". */
  static final long EVENTUALLY_MILLIS = 15_000;

  private static final AtomicLong CACHE_IDS = new AtomicLong();

  private final List<Cache<?, ?>> createdCaches = new ArrayList<>();
  private String testName = "test";

  /** Starts the servers of the store under test (once per JVM; nothing for memory). */
  @BeforeAll
  static void startStore() {
    BehaviourStore.ensureStarted();
  }

  /** The store under test. */
  static BehaviourStore.Kind store() {
    return BehaviourStore.kind();
  }

  @BeforeEach
  void rememberTestName(TestInfo info) {
    testName = getClass().getSimpleName() + "-"
        + info.getTestMethod().map(m -> m.getName()).orElse("test");
  }

  @AfterEach
  void destroyCreatedCaches() {
    try {
      for (Cache<?, ?> cache : createdCaches) {
        CacheManager manager = cache.getCacheManager();
        if (manager != null && !manager.isClosed()) {
          manager.destroyCache(cache.getName());
        }
        if (!cache.isClosed()) {
          cache.close();
        }
      }
    } finally {
      createdCaches.clear();
      Handles.clear();
    }
  }

  static CachingProvider provider() {
    return Caching.getCachingProvider();
  }

  static CacheManager manager() {
    return provider().getCacheManager();
  }

  /** A cache name no other test (or earlier run in this JVM) uses. */
  String uniqueName() {
    return testName + "-" + CACHE_IDS.incrementAndGet();
  }

  /** Creates a uniquely named cache in the default manager; it is destroyed after the test. */
  <K, V> Cache<K, V> createCache(Configuration<K, V> config) {
    return createCache(manager(), uniqueName(), config);
  }

  <K, V> Cache<K, V> createCache(CacheManager manager, String name, Configuration<K, V> config) {
    Cache<K, V> cache = manager.createCache(name, config);
    createdCaches.add(cache);
    return cache;
  }

  /**
   * A mutable, null-tolerant set ({@code Set.of} throws on {@code contains(null)},
   * which providers legitimately call to reject null keys).
   */
  @SafeVarargs
  static <T> Set<T> keys(T... elements) {
    return new LinkedHashSet<>(Arrays.asList(elements));
  }

  // ---------------------------------------------------------------- listeners

  static <K, V> CacheEntryListenerConfiguration<K, V> listenerConfig(
      CacheEntryListener<? super K, ? super V> listener,
      CacheEntryEventFilter<? super K, ? super V> filter,
      boolean oldValueRequired, boolean synchronous) {
    return new MutableCacheEntryListenerConfiguration<K, V>(
        Handles.factoryOf(listener),
        filter == null ? null : Handles.factoryOf(filter),
        oldValueRequired, synchronous);
  }

  // ---------------------------------------------------------------- JMX

  static MBeanServer mbeanServer() {
    return ManagementFactory.getPlatformMBeanServer();
  }

  /** JSR-107 rule for ObjectName values: ',' ':' '=' and newline become '.'. */
  static String mbeanSafe(String s) {
    return s == null ? "" : s.replaceAll(",|:|=|\n", ".");
  }

  /** {@code javax.cache:type=<type>,CacheManager=<safe uri>,Cache=<safe name>}. */
  static ObjectName objectName(Cache<?, ?> cache, String type) {
    try {
      return new ObjectName("javax.cache:type=" + type
          + ",CacheManager=" + mbeanSafe(cache.getCacheManager().getURI().toString())
          + ",Cache=" + mbeanSafe(cache.getName()));
    } catch (MalformedObjectNameException e) {
      throw new AssertionError(e);
    }
  }

  static ObjectName statisticsName(Cache<?, ?> cache) {
    return objectName(cache, "CacheStatistics");
  }

  /** A proxy for the cache's statistics MXBean, which must be registered. */
  static CacheStatisticsMXBean statistics(Cache<?, ?> cache) {
    ObjectName name = statisticsName(cache);
    if (!mbeanServer().isRegistered(name)) {
      fail("no statistics MXBean registered as " + name + "; javax.cache beans present: "
          + mbeanServer().queryNames(null, null).stream()
              .filter(n -> "javax.cache".equals(n.getDomain())).toList());
    }
    return JMX.newMXBeanProxy(mbeanServer(), name, CacheStatisticsMXBean.class);
  }

  /** The statistics counters the tests compare exactly. */
  static final class Stats {
    final long hits;
    final long misses;
    final long gets;
    final long puts;
    final long removals;
    final long evictions;

    Stats(long hits, long misses, long puts, long removals) {
      this(hits, misses, hits + misses, puts, removals, 0);
    }

    Stats(long hits, long misses, long gets, long puts, long removals, long evictions) {
      this.hits = hits;
      this.misses = misses;
      this.gets = gets;
      this.puts = puts;
      this.removals = removals;
      this.evictions = evictions;
    }

    static Stats of(CacheStatisticsMXBean bean) {
      return new Stats(bean.getCacheHits(), bean.getCacheMisses(), bean.getCacheGets(),
          bean.getCachePuts(), bean.getCacheRemovals(), bean.getCacheEvictions());
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Stats)) {
        return false;
      }
      Stats s = (Stats) o;
      return hits == s.hits && misses == s.misses && gets == s.gets && puts == s.puts
          && removals == s.removals && evictions == s.evictions;
    }

    @Override
    public int hashCode() {
      return Objects.hash(hits, misses, gets, puts, removals, evictions);
    }

    @Override
    public String toString() {
      return "hits=" + hits + " misses=" + misses + " gets=" + gets + " puts=" + puts
          + " removals=" + removals + " evictions=" + evictions;
    }
  }

  /**
   * Asserts that the statistics reach exactly {@code expected} (all counters at
   * once). Statistics may be updated asynchronously, so this polls until they
   * match or the deadline passes; it never accepts a value other than the
   * expected one.
   */
  static void assertStats(String what, CacheStatisticsMXBean bean, Stats expected) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    Stats actual = Stats.of(bean);
    while (!expected.equals(actual) && System.nanoTime() < deadline) {
      sleep(10);
      actual = Stats.of(bean);
    }
    assertEquals(expected, actual, what);
  }

  // ---------------------------------------------------------------- polling

  /** Polls {@code condition} until it holds, failing after {@link #EVENTUALLY_MILLIS}. */
  static void awaitTrue(String what, BooleanSupplier condition) {
    awaitTrue(what, EVENTUALLY_MILLIS, condition);
  }

  static void awaitTrue(String what, long timeoutMillis, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeoutMillis + " ms waiting until " + what);
      }
      sleep(5);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
