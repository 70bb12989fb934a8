package io.jadugar.jcache.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreStateListener;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/** What the health tests share: managers on given properties, bounded waits and the checks of a report. */
final class HealthFixture {

  /** The timeout the tests give a health check. */
  static final Duration TIMEOUT = Duration.ofSeconds(1);
  /** What a check may take beyond its timeout on a busy 2-core machine. */
  static final Duration SLACK = Duration.ofSeconds(1);

  private HealthFixture() {}

  /** A cache manager of its own (a fresh URI) with {@code settings} as key, value pairs. */
  static CacheManager manager(String scheme, String... settings) {
    Properties p = new Properties();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      p.setProperty(settings[i], settings[i + 1]);
    }
    URI uri = URI.create("jadugar:health-" + scheme + "-" + System.nanoTime());
    return Caching.getCachingProvider().getCacheManager(uri, HealthFixture.class.getClassLoader(), p);
  }

  static MutableConfiguration<String, String> strings() {
    return new MutableConfiguration<String, String>().setTypes(String.class, String.class);
  }

  static JadugarManager jadugar(CacheManager m) {
    return m.unwrap(JadugarManager.class);
  }

  /** The store behind a cache. */
  static Store store(Cache<?, ?> cache) {
    return cache.unwrap(Store.class);
  }

  /** Runs a health check and fails if it took longer than its timeout plus {@link #SLACK}. */
  static HealthReport timed(JadugarManager m) {
    long start = System.nanoTime();
    HealthReport r = m.health(TIMEOUT);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(TIMEOUT.plus(SLACK)) <= 0, "health() took " + took.toMillis() + " ms: " + r);
    return r;
  }

  /** Checks health until {@code wanted} holds, for at most {@code seconds}; returns the report that did. */
  static HealthReport awaitHealth(JadugarManager m, int seconds, Predicate<HealthReport> wanted) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    HealthReport last = null;
    while (System.nanoTime() < deadline) {
      last = timed(m);
      if (wanted.test(last)) {
        return last;
      }
      sleep(200);
    }
    fail("health did not become as wanted within " + seconds + " s; last: " + last);
    return null;
  }

  /** Every server answered with a measured round trip above zero. */
  static void assertAllUp(HealthReport r, String store, int servers) {
    assertEquals(HealthStatus.UP, r.status(), r.toString());
    assertEquals(store, r.store());
    assertEquals(servers, r.servers().size(), r.toString());
    for (ServerHealth s : r.servers()) {
      assertTrue(s.answered(), s.toString());
      assertNotNull(s.roundTrip(), s.toString());
      assertTrue(s.roundTrip().toNanos() > 0 && s.roundTrip().compareTo(TIMEOUT) <= 0, s.toString());
    }
  }

  /** {@code address} did not answer, and its last error, with its time, is known. */
  static void assertSilent(HealthReport r, String address) {
    ServerHealth s = r.server(address);
    assertNotNull(s, address + " is in the report: " + r);
    assertTrue(!s.answered() && s.roundTrip() == null, s.toString());
    assertNotNull(s.lastError(), s.toString());
    assertNotNull(s.lastErrorAt(), s.toString());
    assertTrue(s.lastErrorAt().isAfter(r.checkedAt().minusSeconds(60)), s.toString());
  }

  /**
   * Disconnects, proves the cache fails at once naming the manager and "disconnected", connects
   * again and proves the same cache sees what was written before.
   */
  static void disconnectAndReconnect(CacheManager manager, Cache<String, String> cache) {
    JadugarManager m = jadugar(manager);
    cache.put("before", "kept");
    assertTrue(m.isConnected());
    m.disconnect();
    m.disconnect(); // twice is fine
    assertTrue(!m.isConnected());
    for (Runnable op : List.<Runnable>of(() -> cache.get("before"), () -> cache.put("during", "x"),
        () -> cache.containsKey("before"), () -> cache.remove("before"), () -> cache.iterator().hasNext())) {
      long start = System.nanoTime();
      CacheException e = assertThrows(CacheException.class, op::run);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(ms < 1000, "failed fast: " + ms + " ms");
      assertTrue(e.getMessage().contains(manager.getURI().toString()) && e.getMessage().contains("disconnected")
          && e.getMessage().contains("connect()"), e.getMessage());
    }
    assertEquals(HealthStatus.DOWN, m.health(TIMEOUT).status());
    m.connect();
    m.connect(); // twice is fine
    assertTrue(m.isConnected());
    assertEquals("kept", cache.get("before"));
    cache.put("after", "works");
    assertEquals("works", cache.get("after"));
    assertEquals(cache, manager.getCache(cache.getName(), String.class, String.class));
  }

  /** A listener that records what it hears, as {@code down <address>} and {@code up <address>}. */
  static final class Recorder implements StoreStateListener {
    final List<String> heard = new CopyOnWriteArrayList<>();

    @Override
    public void down(String address, Throwable cause) {
      heard.add("down " + address);
    }

    @Override
    public void up(String address) {
      heard.add("up " + address);
    }

    void await(String event, int seconds) {
      awaitTrue(() -> heard.contains(event), seconds, () -> "heard " + event + "; heard: " + heard);
    }
  }

  static void awaitTrue(Supplier<Boolean> condition, int seconds, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + seconds + " s: " + what.get());
      }
      sleep(50);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
