package io.jadugar.extensions.dependency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.testing.CountingDataSource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database dependencies on an embedded H2 database and the memory store: an UPDATE makes the
 * dependent entries misses within the check interval; 10,000 entries on one query share one query
 * per interval (counted at the JDBC driver); a composite is invalid once any part is; invalidate()
 * and a lost marker make entries misses; an entry whose data source this JVM does not know is a miss.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseDependencyTest {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseDependencyTest.class);
  static final Duration INTERVAL = Duration.ofMillis(250);
  static final Duration LIMIT = Duration.ofSeconds(10);
  static final String PRICE = "SELECT price FROM items WHERE id = ?";

  private final AtomicLong queries = new AtomicLong();
  private final AtomicInteger caches = new AtomicInteger();
  private JdbcDataSource h2;
  private DataSource counted;
  private CacheManager manager;
  @TempDir
  Path dir;

  @BeforeAll
  void database() throws SQLException {
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:dependencies;DB_CLOSE_DELAY=-1");
    counted = CountingDataSource.wrap(h2, queries);
    manager = Caching.getCachingProvider().getCacheManager(URI.create("test:database-dependencies"),
        getClass().getClassLoader(), new Properties());
  }

  @BeforeEach
  void rows() throws SQLException {
    sql("DROP TABLE IF EXISTS items");
    sql("CREATE TABLE items (id INT PRIMARY KEY, price DECIMAL(10, 2))");
    sql("INSERT INTO items VALUES (1, 10.00), (2, 20.00)");
  }

  @AfterAll
  void close() {
    manager.close();
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private Cache<String, String> cache() {
    return manager.createCache("db-" + caches.incrementAndGet(),
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  @Test
  void updatedRowMakesItsEntriesMissesWithinTheInterval() throws SQLException {
    Cache<String, String> cache = cache();
    Dependencies<String, String> deps = Dependencies.on(cache, INTERVAL).register("shop", counted);
    deps.put("item:1", "10.00", deps.query("shop", PRICE, 1));
    deps.put("item:2", "20.00", deps.query("shop", PRICE, 2));
    Await.sleep(3 * INTERVAL.toMillis());
    assertEquals("10.00", cache.get("item:1"), "an unchanged result keeps its entries after the query runs again");

    sql("UPDATE items SET price = 11.00 WHERE id = 1");
    Duration seen = Await.until("entry on the updated row", () -> cache.get("item:1"), null, LIMIT);
    LOG.info("entry on the updated row a miss {} after the UPDATE (interval {})", seen, INTERVAL);
    assertTrue(seen.compareTo(INTERVAL.plusSeconds(1)) < 0, "seen after " + seen);
    assertEquals("20.00", cache.get("item:2"), "another row's entry stays");
    deps.put("item:1", "11.00", deps.query("shop", PRICE, 1));
    assertEquals("11.00", cache.get("item:1"));
  }

  @Test
  void tenThousandEntriesOnOneQueryCostOneQueryPerInterval() throws Exception {
    Cache<String, String> cache = cache();
    Dependencies<String, String> deps = Dependencies.on(cache, INTERVAL).register("shop", counted);
    int entries = 10_000;
    long before = queries.get();
    long writeStart = System.nanoTime();
    for (int i = 0; i < entries; i++) {
      deps.put("k" + i, "v" + i, deps.query("shop", PRICE, 1)); // each its own dependency object, one query
    }
    long writes = queries.get() - before;
    long writeIntervals = (System.nanoTime() - writeStart) / INTERVAL.toNanos();

    long start = System.nanoTime();
    long readsBefore = queries.get();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<int[]>> hits = new ArrayList<>();
    long readFor = 4 * INTERVAL.toNanos(); // several intervals: the query must run again, once per interval
    for (int t = 0; t < 4; t++) {
      hits.add(pool.submit(() -> {
        int[] n = new int[2];
        do {
          for (int i = 0; i < entries; i++) {
            n[0]++;
            n[1] += cache.get("k" + i) == null ? 0 : 1;
          }
        } while (System.nanoTime() - start < readFor);
        return n;
      }));
    }
    int read = 0;
    int hit = 0;
    for (Future<int[]> f : hits) {
      read += f.get()[0];
      hit += f.get()[1];
    }
    pool.shutdown();
    long reads = queries.get() - readsBefore;
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    long allowed = took.toMillis() / INTERVAL.toMillis() + 2;
    LOG.info("{} entries on one query: {} queries for the writes, {} for {} reads in {} (interval {})", entries,
        writes, reads, read, took, INTERVAL);
    assertEquals(read, hit, "every read a hit");
    assertTrue(reads >= 1, "the query ran again while " + read + " reads went on for " + took);
    assertTrue(reads <= allowed, reads + " queries for " + read + " reads in " + took
        + ": at most one per " + INTERVAL + " expected (" + allowed + ")");
    assertTrue(writes <= writeIntervals + 2, writes + " queries for " + entries + " writes in " + writeIntervals
        + " intervals");

    sql("UPDATE items SET price = 12.00 WHERE id = 1");
    Await.until("the 10,000th entry after the update", () -> cache.get("k9999"), null, LIMIT);
    assertNull(cache.get("k0"));
  }

  @Test
  void compositeIsInvalidOnceAnyPartIs() throws Exception {
    Cache<String, String> cache = cache();
    Dependencies<String, String> deps = Dependencies.on(cache, INTERVAL).register("shop", counted);
    Path file = Files.writeString(dir.resolve("rates.txt"), "EUR 1.00");
    CompositeDependency both = deps.allOf(deps.file(file), deps.query("shop", PRICE, 1));
    deps.put("both", "B", both);
    deps.put("file-only", "F", deps.file(file));
    deps.put("query-only", "Q", deps.query("shop", PRICE, 1));
    assertEquals(2, deps.dependencyOf("both").sources().size(), "the composite rides in the entry whole");

    sql("UPDATE items SET price = 13.00 WHERE id = 1");
    assertTrue(both.isValid());
    Await.until("composite after its query's row changed", () -> cache.get("both"), null, LIMIT);
    assertFalse(both.isValid(), "the composite itself, once its second part changed");
    assertNull(cache.get("query-only"));
    assertEquals("F", cache.get("file-only"), "the file part alone is still valid");

    deps.put("both", "B2", CompositeDependency.of(deps.file(file), deps.query("shop", PRICE, 1)));
    assertEquals("B2", cache.get("both"));
    Files.writeString(file, "EUR 1.10");
    assertNull(cache.get("both"), "composite after its file changed");
    assertNull(cache.get("file-only"));

    // invalidate() on a composite invalidates every part: entries on any one of them are misses too
    CompositeDependency forced = deps.allOf(deps.file(file), deps.query("shop", PRICE, 1));
    deps.put("both", "B3", forced);
    deps.put("file-only", "F3", deps.file(file));
    deps.put("query-only", "Q3", deps.query("shop", PRICE, 1));
    deps.put("other-query", "O3", deps.query("shop", PRICE, 2));
    assertTrue(forced.isValid());
    forced.invalidate();
    assertFalse(forced.isValid(), "an invalidated composite");
    assertNull(cache.get("both"), "the composite's entry");
    assertNull(cache.get("file-only"), "an entry on its file part alone");
    assertNull(cache.get("query-only"), "an entry on its query part alone");
    assertEquals("O3", cache.get("other-query"), "an entry on another query stays");
  }

  @Test
  void invalidateAndALostMarkerMakeEntriesMisses() throws SQLException {
    Cache<String, String> cache = cache();
    Dependencies<String, String> deps = Dependencies.on(cache, INTERVAL).register("shop", counted);
    DatabaseDependency first = deps.query("shop", PRICE, 2);
    deps.put("a", "A", first);
    deps.put("b", "B", deps.query("shop", PRICE, 2));
    deps.put("other", "O", deps.query("shop", PRICE, 1));
    first.invalidate();
    assertFalse(first.isValid());
    assertNull(cache.get("a"), "invalidated: a miss at once in the invalidating JVM");
    assertNull(cache.get("b"), "every entry on the same query and parameters");
    assertEquals("O", cache.get("other"), "another source's entries stay");
    deps.put("a", "A2", deps.query("shop", PRICE, 2));
    assertEquals("A2", cache.get("a"), "a dependency made after the invalidation is valid");

    // the marker record gone (evicted, cleared): its entries are misses, never "version 0"
    manager.getCache(Dependencies.MARKER_CACHE, String.class, String.class).clear();
    Await.until("entry whose marker is gone", () -> cache.get("a"), null, LIMIT);
    assertNull(cache.get("other"));
    deps.put("a", "A3", deps.query("shop", PRICE, 2));
    assertEquals("A3", cache.get("a"), "a new write makes a new marker");
  }

  @Test
  void entryOnADataSourceThisJvmDoesNotKnowIsAMiss() {
    Cache<String, String> cache = cache();
    Dependencies<String, String> deps = Dependencies.on(cache, INTERVAL).register("shop", counted);
    deps.put("a", "A", deps.query("shop", PRICE, 1));
    assertEquals("A", cache.get("a"));
    // a second JVM's view of the same cache: dependencies installed, "shop" never registered
    Dependencies<String, String> unaware = Dependencies.on(cache, INTERVAL);
    assertNull(cache.get("a"), "a dependency that cannot be checked must not let the entry through");
    unaware.close();
  }
}
