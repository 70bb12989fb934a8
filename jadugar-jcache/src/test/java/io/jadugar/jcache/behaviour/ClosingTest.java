package io.jadugar.jcache.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

import org.junit.jupiter.api.Test;

/**
 * Closing and destroying caches and closing cache managers: Closeable
 * collaborators get {@code close()}, and closed things refuse further use.
 */
class ClosingTest extends BehaviourTestBase {

  private static final AtomicLong MANAGER_IDS = new AtomicLong();

  /** Everything a cache can be configured with that may be Closeable. */
  private static final class Collaborators {
    final ReadWriteThroughTest.Loader loader = new ReadWriteThroughTest.Loader();
    final ReadWriteThroughTest.Writer writer = new ReadWriteThroughTest.Writer();
    final CloseablePolicy expiry = new CloseablePolicy();
    final RecordingListener<String, Integer> configuredListener = new RecordingListener<>();
    final RecordingListener<String, Integer> runtimeListener = new RecordingListener<>();

    MutableConfiguration<String, Integer> configuration() {
      return new MutableConfiguration<String, Integer>()
          .setTypes(String.class, Integer.class)
          .setReadThrough(true)
          .setCacheLoaderFactory(Handles.factoryOf(loader))
          .setWriteThrough(true)
          .setCacheWriterFactory(Handles.factoryOf(writer))
          .setExpiryPolicyFactory(Handles.factoryOf(expiry))
          .addCacheEntryListenerConfiguration(
              listenerConfig(configuredListener, null, false, true));
    }

    void registerRuntimeListener(Cache<String, Integer> cache) {
      cache.registerCacheEntryListener(listenerConfig(runtimeListener, null, false, false));
    }

    List<String> closeCounts() {
      List<String> counts = new ArrayList<>();
      counts.add("loader=" + loader.closed.get());
      counts.add("writer=" + writer.closed.get());
      counts.add("expiryPolicy=" + expiry.closed.get());
      counts.add("configuredListener=" + configuredListener.closeCount());
      counts.add("runtimeListener=" + runtimeListener.closeCount());
      return counts;
    }
  }

  private static final List<String> NONE_CLOSED = List.of("loader=0", "writer=0",
      "expiryPolicy=0", "configuredListener=0", "runtimeListener=0");
  private static final List<String> ALL_CLOSED_ONCE = List.of("loader=1", "writer=1",
      "expiryPolicy=1", "configuredListener=1", "runtimeListener=1");

  private static boolean contains(Iterable<String> names, String name) {
    for (String n : names) {
      if (n.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** A loader that blocks in loadAll until released, and records whether it was used after close. */
  public static final class SlowLoader implements javax.cache.integration.CacheLoader<String, Integer>, Closeable {
    final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    volatile boolean closed;
    volatile boolean usedAfterClose;

    @Override
    public Integer load(String key) {
      return loadAll(List.of(key)).get(key);
    }

    @Override
    public java.util.Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      usedAfterClose |= closed;
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      usedAfterClose |= closed;
      java.util.Map<String, Integer> out = new java.util.HashMap<>();
      keys.forEach(k -> out.put(k, k.length()));
      return out;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void closeWaitsForARunningLoadAllBeforeItClosesTheLoader() throws Exception {
    SlowLoader loader = new SlowLoader();
    Cache<String, Integer> cache = createCache(new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class)
        .setCacheLoaderFactory(Handles.factoryOf(loader)));
    cache.loadAll(java.util.Set.of("a", "bb"), false, null);
    assertTrue(loader.entered.await(10, java.util.concurrent.TimeUnit.SECONDS), "the load started");
    Thread closer = new Thread(cache::close);
    closer.start();
    closer.join(300);
    assertTrue(closer.isAlive(), "close waits while the load runs");
    assertFalse(loader.closed, "the loader is not closed under a running load");
    loader.release.countDown();
    closer.join(10_000);
    assertFalse(closer.isAlive());
    assertTrue(loader.closed);
    assertFalse(loader.usedAfterClose, "the loader was never used after it was closed");
  }

  @Test
  void closingACacheClosesEveryCloseableCollaboratorOnce() {
    Collaborators c = new Collaborators();
    Cache<String, Integer> cache = createCache(c.configuration());
    c.registerRuntimeListener(cache);
    cache.put("a", 1);
    assertEquals(NONE_CLOSED, c.closeCounts(), "nothing is closed while the cache is open");

    cache.close();
    assertTrue(cache.isClosed());
    assertEquals(ALL_CLOSED_ONCE, c.closeCounts());

    cache.close();
    assertEquals(ALL_CLOSED_ONCE, c.closeCounts(), "closing a closed cache closes nothing again");

    assertThrows(IllegalStateException.class, () -> cache.get("a"));
    assertThrows(IllegalStateException.class, () -> cache.put("a", 2));
    assertFalse(contains(manager().getCacheNames(), cache.getName()),
        "a closed cache is no longer managed");
  }

  @Test
  void destroyingACacheClosesEveryCloseableCollaboratorOnce() {
    Collaborators c = new Collaborators();
    Cache<String, Integer> cache = createCache(c.configuration());
    c.registerRuntimeListener(cache);
    cache.put("a", 1);

    CacheManager manager = cache.getCacheManager();
    manager.destroyCache(cache.getName());
    assertTrue(cache.isClosed());
    assertEquals(ALL_CLOSED_ONCE, c.closeCounts());
    assertThrows(IllegalStateException.class, () -> cache.get("a"));
    assertFalse(contains(manager.getCacheNames(), cache.getName()));
    assertNull(manager.getCache(cache.getName(), String.class, Integer.class));
  }

  @Test
  void destroyedCacheNameCanBeReusedAndStartsEmpty() {
    Collaborators c = new Collaborators();
    Cache<String, Integer> cache = createCache(c.configuration());
    cache.put("a", 1);
    String name = cache.getName();
    manager().destroyCache(name);

    Cache<String, Integer> again = createCache(manager(), name,
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
    assertFalse(again.isClosed());
    assertFalse(again.containsKey("a"), "a destroyed cache's contents are gone");
  }

  @Test
  void closingTheCacheManagerClosesItsCachesAndRefusesFurtherUse() {
    URI uri = URI.create("urn:jadugar-behaviour:closing-" + MANAGER_IDS.incrementAndGet()
        + "-" + System.nanoTime());
    CacheManager manager = provider().getCacheManager(uri, provider().getDefaultClassLoader());
    Collaborators first = new Collaborators();
    Collaborators second = new Collaborators();
    Cache<String, Integer> cache1 = createCache(manager, uniqueName(), first.configuration());
    Cache<String, Integer> cache2 = createCache(manager, uniqueName(), second.configuration());
    first.registerRuntimeListener(cache1);
    second.registerRuntimeListener(cache2);
    assertTrue(contains(manager.getCacheNames(), cache1.getName()));

    manager.close();

    assertTrue(manager.isClosed());
    assertTrue(cache1.isClosed());
    assertTrue(cache2.isClosed());
    assertEquals(ALL_CLOSED_ONCE, first.closeCounts());
    assertEquals(ALL_CLOSED_ONCE, second.closeCounts());

    assertThrows(IllegalStateException.class, manager::getCacheNames);
    assertThrows(IllegalStateException.class, () -> manager.getCache(cache1.getName()));
    assertThrows(IllegalStateException.class, () -> manager.createCache("another",
        new MutableConfiguration<String, Integer>()));
    assertThrows(IllegalStateException.class, () -> cache1.get("a"));

    manager.close(); // closing again is ignored
    assertEquals(ALL_CLOSED_ONCE, first.closeCounts());

    CacheManager fresh = provider().getCacheManager(uri, provider().getDefaultClassLoader());
    try {
      assertNotSame(manager, fresh, "a closed manager is not handed out again");
      assertFalse(fresh.isClosed());
      assertFalse(contains(fresh.getCacheNames(), cache1.getName()));
    } finally {
      fresh.close();
    }
  }

  /** An ExpiryPolicy that is also Closeable. */
  static final class CloseablePolicy implements ExpiryPolicy, Closeable, Serializable {
    private static final long serialVersionUID = 1L;
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public Duration getExpiryForCreation() {
      return Duration.ETERNAL;
    }

    @Override
    public Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return null;
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }
}
