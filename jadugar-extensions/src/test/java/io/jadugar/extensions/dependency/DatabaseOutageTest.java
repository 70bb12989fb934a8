package io.jadugar.extensions.dependency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.testing.PostgresServer;
import java.net.URI;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Database dependencies on a real PostgreSQL that dies or stops answering: an entry whose query
 * cannot be run is a miss (never its possibly stale value, never an error, never a read stuck behind
 * the database), entries on nothing else stay, and once the database is back with the same rows the
 * entries are hits again.
 */
class DatabaseOutageTest {

  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final String PRICE = "SELECT price FROM items WHERE id = ?";

  /** A cache and its dependencies. */
  private record Opened(Cache<String, String> cache, Dependencies<String, String> deps) {}

  /** The cache, its dependencies on {@code postgres} as "shop", and two entries: one on the query, one on nothing. */
  private static Opened open(CacheManager manager, PostgresServer postgres, String name) throws Exception {
    postgres.execute("DROP TABLE IF EXISTS items");
    postgres.execute("CREATE TABLE items (id INT PRIMARY KEY, price DECIMAL(10, 2))");
    postgres.execute("INSERT INTO items VALUES (1, 10.00)");
    Cache<String, String> cache = manager.createCache(name,
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    Dependencies<String, String> deps = Dependencies.on(cache, INTERVAL).register("shop", postgres.dataSource());
    deps.put("item:1", "10.00", deps.query("shop", PRICE, 1));
    cache.put("plain", "p");
    return new Opened(cache, deps);
  }

  /** Reads {@code key} in another thread and answers within {@code seconds}, or fails naming the read. */
  private static String readWithin(Cache<String, String> cache, String key, int seconds) throws Exception {
    CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> cache.get(key));
    try {
      return read.get(seconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a read of " + key + " did not return within " + seconds + " s of the database's outage", e);
    }
  }

  @Test
  void aKilledDatabaseMakesItsEntriesMissesUntilItIsBack() throws Exception {
    try (PostgresServer postgres = PostgresServer.launch();
        CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:db-outage-kill"),
            getClass().getClassLoader(), new Properties())) {
      Opened opened = open(manager, postgres, "killed");
      Cache<String, String> cache = opened.cache();
      assertEquals("10.00", cache.get("item:1"));
      postgres.kill(); // SIGKILL: connections refused
      Thread.sleep(3 * INTERVAL.toMillis());
      assertNull(readWithin(cache, "item:1", 5), "an entry whose query cannot run is a miss");
      assertEquals("p", cache.get("plain"), "an entry on nothing else stays");
      postgres.start();
      // the test's cluster runs without fsync and synchronous commit: a crash may lose the table
      postgres.execute("CREATE TABLE IF NOT EXISTS items (id INT PRIMARY KEY, price DECIMAL(10, 2))");
      postgres.execute("INSERT INTO items VALUES (1, 10.00) ON CONFLICT (id) DO NOTHING");
      // the entry read as a miss was dropped, as an expired one is: put again once the query runs
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        try {
          opened.deps().put("item:1", "10.00", opened.deps().query("shop", PRICE, 1));
          break;
        } catch (RuntimeException notYet) {
          assertTrue(System.nanoTime() < deadline, "the query did not run again after the restart: " + notYet);
          Thread.sleep(INTERVAL.toMillis());
        }
      }
      assertEquals("10.00", cache.get("item:1"), "the database back: a new entry on the query is a hit");
      postgres.execute("UPDATE items SET price = 11.00 WHERE id = 1");
      Thread.sleep(2 * INTERVAL.toMillis());
      assertNull(cache.get("item:1"), "and a change of its row makes it a miss again");
    }
  }

  @Test
  void aStoppedDatabaseNeverHoldsAReadBackAndItsEntriesAreMisses() throws Exception {
    try (PostgresServer postgres = PostgresServer.launch();
        CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("test:db-outage-stop"),
            getClass().getClassLoader(), new Properties())) {
      Cache<String, String> cache = open(manager, postgres, "stopped").cache();
      assertEquals("10.00", cache.get("item:1"));
      postgres.pause(); // SIGSTOP: the kernel accepts connections, nobody answers
      try {
        Thread.sleep(3 * INTERVAL.toMillis());
        long start = System.nanoTime();
        String during = readWithin(cache, "item:1", 10);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertNull(during, "an entry whose query does not answer is a miss");
        assertTrue(millis < 6_000, "the read took " + millis + " ms");
        assertEquals("p", readWithin(cache, "plain", 5), "an entry on nothing else stays");
        for (int i = 0; i < 5; i++) {
          assertNull(readWithin(cache, "item:1", 2), "later reads do not wait for the database again");
        }
      } finally {
        postgres.resume();
      }
      cache.put("plain", "p2");
      assertEquals("p2", readWithin(cache, "plain", 5), "the cache works on once the database answers");
    }
  }
}
