package io.jadugar.extensions.aside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.testing.MovableClock;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.testing.AllStores;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cache-aside in one JVM on every store, against real servers: loads once per miss however many
 * callers ask, releases every caller with a loader's error, never lets a load overtaken by a set,
 * an invalidate or a newer holder leave its value behind, and the timeouts and fail-safe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheAsideTest {

  private static final int CALLERS = 1000;

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("aside");
  private final MovableClock clock = new MovableClock();

  List<String> stores() {
    return AllStores.NAMES;
  }

  /** A fresh cache {@code name} on {@code store} (and a fresh companion), with the test's clock. */
  private Cache<String, String> cache(String store, String name) {
    CacheManager m = stores.manager(store);
    m.destroyCache(name);
    m.destroyCache(name + CacheAside.SUFFIX);
    return m.createCache(name, new JadugarConfiguration<String, String>().setClock(clock)
        .setTypes(String.class, String.class));
  }

  /** Waits, at most 10 s, until {@code loads} has reached {@code n}: a loader has started. */
  private static void awaitLoads(AtomicInteger loads, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (loads.get() < n) {
      assertTrue(System.nanoTime() < deadline, "the loader started " + n + " times");
      Thread.sleep(5);
    }
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aMissLoadsStoresAndReturnsAndAHitDoesNotLoad(String store) {
    Cache<String, String> cache = cache(store, "aside-basic");
    AtomicInteger loads = new AtomicInteger();
    CacheAside<String, String> aside = CacheAside.of(cache, k -> "value of " + k + " #" + loads.incrementAndGet());
    assertEquals("value of k #1", aside.get("k"), store);
    assertEquals("value of k #1", cache.get("k"), store + ": the loaded value is in the cache");
    assertEquals("value of k #1", aside.get("k"), store);
    assertEquals(1, loads.get(), store + ": a hit does not load");
    aside.set("k", "set");
    assertEquals("set", cache.get("k"), store);
    assertEquals("set", aside.get("k"), store);
    aside.invalidate("k");
    assertNull(cache.get("k"), store);
    assertEquals("value of k #2", aside.get("k"), store);
    // a null from the loader is returned, not stored
    CacheAside<String, String> none = CacheAside.of(cache, k -> null);
    assertNull(none.get("absent"), store);
    assertTrue(!cache.containsKey("absent"), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aThousandCallersOfOneColdKeyLoadItOnce(String store) throws Exception {
    Cache<String, String> cache = cache(store, "aside-flight");
    AtomicInteger loads = new AtomicInteger();
    AtomicInteger asked = new AtomicInteger();
    CacheAside<String, String> aside = CacheAside.of(cache, k -> {
      int n = loads.incrementAndGet();
      // hold the load until every caller has asked, and a little more: they all overlap it
      while (asked.get() < CALLERS) {
        Thread.sleep(1);
      }
      Thread.sleep(50);
      return "loaded " + n;
    });
    List<Crowd.Outcome> outcomes = Crowd.run(CALLERS, 60, () -> {
      asked.incrementAndGet();
      return aside.get("cold");
    });
    assertEquals(1, loads.get(), store + ": " + CALLERS + " callers of one cold key ran the loader");
    assertEquals(Set.of("loaded 1"), outcomes.stream().map(o -> String.valueOf(o.value()) + errorOf(o))
        .collect(Collectors.toSet()), store + ": what the callers got");
    assertEquals("loaded 1", cache.get("cold"), store);
  }

  /** Release times (µs after the throw, sorted) of CALLERS callers of {@code key} whose loader throws. */
  private static List<Long> releasedAfterTheLoaderThrew(String store, Cache<String, String> cache, String key)
      throws Exception {
    AtomicInteger asked = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("the database is down");
    long[] thrownAt = new long[1];
    CacheAside<String, String> aside = CacheAside.of(cache, k -> {
      while (asked.get() < CALLERS) {
        Thread.sleep(1);
      }
      Thread.sleep(100);
      thrownAt[0] = System.nanoTime();
      throw boom;
    });
    List<Crowd.Outcome> outcomes = Crowd.run(CALLERS, 60, () -> {
      asked.incrementAndGet();
      return aside.get(key);
    });
    List<Long> releaseMicros = new ArrayList<>();
    for (Crowd.Outcome o : outcomes) {
      CacheLoaderException e = assertInstanceOf(CacheLoaderException.class, o.error(),
          store + ": every caller gets the error, got " + o.value());
      // its cause is the loader's exception; a caller that came after the flight failed, and met its
      // lease in the store, gets it as the failure record describes it
      assertTrue(e.getCause() == boom || e.getMessage().endsWith(boom.toString()),
          store + ": the error is the loader's: " + e + " caused by " + e.getCause());
      assertTrue(e.getMessage().contains("aside-error") && e.getMessage().contains(key),
          store + ": the message names the cache and the key: " + e.getMessage());
      releaseMicros.add((o.returnedAt() - thrownAt[0]) / 1000);
    }
    Collections.sort(releaseMicros);
    return releaseMicros;
  }

  private static String errorOf(Crowd.Outcome o) {
    return o.error() == null ? "" : " " + o.error();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aThrowingLoaderReleasesEveryWaiterWithItsError(String store) throws Exception {
    Cache<String, String> cache = cache(store, "aside-error");
    // the first failure in a JVM runs the release path cold (interpreted, then compiled): within 3 s;
    // the next one, as the issue demands, every waiter within 50 ms of the throw
    long[] limits = {3_000_000, 50_000};
    for (int round = 0; round < limits.length; round++) {
      List<Long> releaseMicros = releasedAfterTheLoaderThrew(store, cache, "failing" + round);
      long first = releaseMicros.get(0);
      long median = releaseMicros.get(CALLERS / 2);
      long max = releaseMicros.get(CALLERS - 1);
      System.out.printf("%s round %d: %d waiters released after the loader threw: first %d µs, median %d µs, max %d µs%n",
          store, round, CALLERS, first, median, max);
      // the release is one event (the shared future ends), not a timeout
      assertTrue(first < 50_000, store + ": the first caller was released " + first + " µs after the throw");
      assertTrue(max < limits[round], store + ": the last caller was released " + max + " µs after the throw (round "
          + round + ")");
    }
    String key = "failing1";
    // the next caller loads again: a failure is not cached. The holder publishes the failure in its
    // lease just after releasing this JVM's callers; a caller that saw the lease before that would
    // rightly get the failure too, so wait for it first
    Cache<String, String> records = stores.manager(store).getCache("aside-error" + CacheAside.SUFFIX, String.class,
        String.class);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (String.valueOf(records.get("l:" + key)).startsWith("L ") && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    CacheAside<String, String> ok = CacheAside.of(cache, k -> "fine");
    assertEquals("fine", ok.get(key), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aSetDuringALoadWinsOverTheLoadedValue(String store) throws Exception {
    Cache<String, String> cache = cache(store, "aside-set");
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CacheAside<String, String> aside = CacheAside.of(cache, k -> {
      loads.incrementAndGet();
      release.await();
      return "older";
    });
    CompletableFuture<String> loading = CompletableFuture.supplyAsync(() -> aside.get("k"));
    awaitLoads(loads, 1);
    aside.set("k", "newer");
    assertEquals("newer", aside.get("k"), store + ": a caller after the set gets the set value");
    release.countDown();
    assertEquals("older", loading.get(10, TimeUnit.SECONDS), store + ": the load's own callers get its value");
    assertEquals("newer", cache.get("k"), store + ": the overtaken load did not store its value");
    assertEquals("newer", aside.get("k"), store);
    assertEquals(1, loads.get(), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anInvalidateDuringALoadLeavesNoOlderValue(String store) throws Exception {
    Cache<String, String> cache = cache(store, "aside-inval");
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CacheAside<String, String> aside = CacheAside.of(cache, k -> {
      int n = loads.incrementAndGet();
      if (n == 1) {
        release.await();
      }
      return "load " + n;
    });
    CompletableFuture<String> loading = CompletableFuture.supplyAsync(() -> aside.get("k"));
    awaitLoads(loads, 1);
    aside.invalidate("k");
    release.countDown();
    assertEquals("load 1", loading.get(10, TimeUnit.SECONDS), store);
    assertNull(cache.get("k"), store + ": a load read before the invalidation stored nothing valid");
    assertEquals("load 2", aside.get("k"), store + ": the next get loads again");
    assertEquals("load 2", cache.get("k"), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aLoadThatOutlivesItsLeaseDoesNotOverwriteTheNewerValue(String store) throws Exception {
    Cache<String, String> cache = cache(store, "aside-lease");
    AtomicInteger slowLoads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    // two CacheAside objects share no in-JVM flight: they meet only through the lease, as two JVMs do
    CacheAside<String, String> slow = CacheAside.builder(cache, (String k) -> {
      slowLoads.incrementAndGet();
      release.await();
      return "older";
    }).leaseTime(Duration.ofSeconds(1)).build();
    CacheAside<String, String> other = CacheAside.builder(cache, (String k) -> "newer")
        .leaseTime(Duration.ofSeconds(1)).build();
    CompletableFuture<String> loading = CompletableFuture.supplyAsync(() -> slow.get("k"));
    awaitLoads(slowLoads, 1);
    long start = System.nanoTime();
    assertEquals("newer", other.get("k"), store + ": the other loads once the first lease ended");
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(waitedMillis >= 500, store + ": the other waited for the lease, " + waitedMillis + " ms");
    release.countDown();
    assertEquals("older", loading.get(10, TimeUnit.SECONDS), store);
    assertEquals("newer", cache.get("k"), store + ": the load that outlived its lease stored nothing");
    assertEquals("newer", other.get("k"), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aSoftTimeoutServesTheStaleValueAndTheLoadFinishesInTheBackground(String store) throws Exception {
    Cache<String, String> cache = cache(store, "aside-soft");
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    CacheAside<String, String> aside = CacheAside.builder(cache, (String k) -> {
      int n = loads.incrementAndGet();
      if (n > 1) {
        release.await();
      }
      return "v" + n;
    }).ttl(Duration.ofMinutes(1)).maxStaleness(Duration.ofHours(1)).softTimeout(Duration.ofMillis(200)).build();
    assertEquals("v1", aside.get("k"), store);
    clock.advance(Duration.ofMinutes(2));
    assertEquals("v1", aside.get("k"), store + ": stale after the soft timeout");
    assertEquals(2, loads.get(), store + ": the load of the stale key started");
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!"v2".equals(cache.get("k")) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals("v2", aside.get("k"), store + ": the background load stored its value");
    assertEquals(2, loads.get(), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aHardTimeoutFailsTheCallerAndTheLoadGoesOn(String store) throws Exception {
    Cache<String, String> cache = cache(store, "aside-hard");
    CountDownLatch release = new CountDownLatch(1);
    CacheAside<String, String> aside = CacheAside.builder(cache, (String k) -> {
      release.await();
      return "late";
    }).hardTimeout(Duration.ofMillis(200)).build();
    CacheLoaderException e = assertThrows(CacheLoaderException.class, () -> aside.get("k"), store);
    assertInstanceOf(TimeoutException.class, e.getCause(), store);
    assertTrue(e.getMessage().contains("hard timeout"), e.getMessage());
    release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!"late".equals(cache.get("k")) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals("late", cache.get("k"), store + ": the load finished and stored its value");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aFailingLoaderServesTheLastGoodValueInsideTheStalenessWindowOnly(String store) {
    Cache<String, String> cache = cache(store, "aside-failsafe");
    AtomicInteger loads = new AtomicInteger();
    Function<Integer, String> source = n -> {
      if (n > 1) {
        throw new IllegalStateException("source down");
      }
      return "good";
    };
    CacheAside<String, String> aside = CacheAside.builder(cache, (String k) -> source.apply(loads.incrementAndGet()))
        .ttl(Duration.ofMinutes(1)).maxStaleness(Duration.ofMinutes(10)).build();
    assertEquals("good", aside.get("k"), store);
    clock.advance(Duration.ofMinutes(5));
    assertEquals("good", aside.get("k"), store + ": stale but inside the window, the loader failing");
    assertEquals(2, loads.get(), store);
    clock.advance(Duration.ofMinutes(7));
    CacheLoaderException e = assertThrows(CacheLoaderException.class, () -> aside.get("k"),
        store + ": past the window the error reaches the caller");
    assertEquals("source down", e.getCause().getMessage(), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aHitReadsItsGenerationInTheSameScriptOnRedisAndInOneMoreRoundTripElsewhere(String store) {
    Cache<String, String> cache = cache(store, "aside-cost");
    CacheAside<String, String> aside = CacheAside.of(cache, k -> "v");
    assertEquals("v", aside.get("k"));
    Cache<String, String> records = stores.manager(store).getCache("aside-cost" + CacheAside.SUFFIX, String.class,
        String.class);
    long entry = cache.unwrap(JadugarCache.class).metrics().roundTrips();
    long record = records.unwrap(JadugarCache.class).metrics().roundTrips();
    assertEquals("v", aside.get("k"));
    long entryTrips = cache.unwrap(JadugarCache.class).metrics().roundTrips() - entry;
    long recordTrips = records.unwrap(JadugarCache.class).metrics().roundTrips() - record;
    System.out.printf("%s: a hit costs %d round trip(s) for the entry and %d for its generation%n", store,
        entryTrips, recordTrips);
    boolean memory = store.startsWith("memory");
    assertEquals(memory ? 0 : 1, entryTrips, store + ": round trips of the entry");
    assertEquals(memory || store.equals("redis") ? 0 : 1, recordTrips, store + ": round trips of the generation");
    // the generation really is checked: moved behind the cache's back, the entry is a miss
    records.put(Records.generationKey("k"), "moved");
    assertNull(cache.get("k"), store);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anExecutorThatRefusesTheLoadFailsTheCallerAndTheNextCallerTriesAgain(String store) {
    Cache<String, String> cache = cache(store, "aside-refused");
    java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean(true);
    CacheAside<String, String> aside = CacheAside.builder(cache, (String k) -> "v").executor(r -> {
      if (refuse.get()) {
        throw new java.util.concurrent.RejectedExecutionException("full");
      }
      r.run();
    }).build();
    CacheLoaderException e = assertThrows(CacheLoaderException.class, () -> aside.get("k"), store);
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
    refuse.set(false);
    assertEquals("v", aside.get("k"), store + ": the refused load left no flight behind");
  }
}
