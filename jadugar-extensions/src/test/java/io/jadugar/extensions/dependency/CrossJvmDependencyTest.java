package io.jadugar.extensions.dependency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.testing.PostgresServer;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dependencies across two JVMs on Redis, with a real PostgreSQL: an UPDATE to a row makes the
 * entries on it misses in both JVMs within the check interval, and {@code invalidate()} in one JVM
 * makes the entries misses in the other. The second JVM rebuilds each dependency from the entry's
 * metadata and its own data source registered under the same name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossJvmDependencyTest {

  private static final Logger LOG = LoggerFactory.getLogger(CrossJvmDependencyTest.class);
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final Duration LIMIT = Duration.ofSeconds(10);
  static final String PRICE = "SELECT price FROM items WHERE id = ?";

  private RedisServer redis;
  private PostgresServer postgres;
  private CacheManager manager;
  private Cache<String, String> cache;
  private Dependencies<String, String> deps;
  private Process child;
  private PrintWriter toChild;
  private BufferedReader fromChild;
  @TempDir
  Path dir;

  @BeforeAll
  void start() throws Exception {
    redis = RedisServer.launch();
    postgres = PostgresServer.launch();
    postgres.execute("CREATE TABLE items (id INT PRIMARY KEY, price NUMERIC(10, 2))");
    postgres.execute("INSERT INTO items VALUES (1, 10.00), (2, 20.00)");
    String uri = redis.address() + "/dependencies";
    manager = Caching.getCachingProvider().getCacheManager(URI.create(uri), getClass().getClassLoader(),
        new Properties());
    cache = manager.createCache("prices", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    deps = Dependencies.on(cache, INTERVAL).register("pg", postgres.dataSource());
    child = ChildJvm.builder(DependencyWorker.class, uri, "prices", postgres.url(), String.valueOf(INTERVAL.toMillis()))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    toChild = new PrintWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8), true);
    fromChild = ChildJvm.output(child);
    assertEquals("ready", ChildJvm.readUntil(fromChild, "ready").get(60, TimeUnit.SECONDS), "the second JVM started");
  }

  @AfterAll
  void stop() throws Exception {
    if (child != null) {
      toChild.println("quit");
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    if (manager != null) {
      manager.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** What the second JVM's {@code get(key)} returns ("null" for a miss). */
  private String childGet(String key) {
    toChild.println("get " + key);
    try {
      String line = ChildJvm.readUntil(fromChild, "got ").get(30, TimeUnit.SECONDS);
      return line.substring(line.indexOf('=') + 1);
    } catch (Exception e) {
      throw new IllegalStateException("the second JVM did not answer get " + key, e);
    }
  }

  @Test
  void updatedRowIsAMissInBothJvmsWithinTheInterval() throws Exception {
    deps.put("item:1", "10.00", deps.query("pg", PRICE, 1));
    deps.put("item:2", "20.00", deps.query("pg", PRICE, 2));
    assertEquals("10.00", childGet("item:1"), "the second JVM rebuilt the dependency and found it valid");
    assertEquals("20.00", childGet("item:2"));

    postgres.execute("UPDATE items SET price = 11.00 WHERE id = 1");
    long start = System.nanoTime();
    Duration here = Await.until("item:1 in this JVM", () -> cache.get("item:1"), null, LIMIT);
    Duration there = Await.until("item:1 in the second JVM", () -> childGet("item:1"), "null", LIMIT);
    Duration both = Duration.ofNanos(System.nanoTime() - start);
    LOG.info("UPDATE seen: here after {}, in the second JVM after {} (interval {})", here, both, INTERVAL);
    assertTrue(here.compareTo(INTERVAL.plusSeconds(1)) < 0, "seen here after " + here);
    assertEquals("20.00", childGet("item:2"), "another row's entry stays in the second JVM");
    assertEquals("20.00", cache.get("item:2"));
    assertTrue(there.toNanos() >= 0);
  }

  @Test
  void invalidateInOneJvmIsAMissInTheOther() throws IOException {
    Path file = Files.writeString(dir.resolve("menu.txt"), "soup");
    FileDependency dependency = deps.file(file);
    deps.put("menu", "soup", dependency);
    deps.put("drinks", "tea", dependency);
    assertEquals("soup", childGet("menu"));
    assertEquals("tea", childGet("drinks"));

    dependency.invalidate();
    assertNull(cache.get("menu"), "a miss at once in the invalidating JVM");
    // this JVM never read "drinks" again: the second JVM's own check finds it invalid
    Duration there = Await.until("drinks in the second JVM", () -> childGet("drinks"), "null", LIMIT);
    LOG.info("invalidate() seen in the second JVM after {} (interval {})", there, INTERVAL);
    assertTrue(there.compareTo(INTERVAL.plusSeconds(1)) < 0, "seen there after " + there);

    FileDependency second = deps.file(file);
    deps.put("menu", "stew", second);
    assertEquals("stew", childGet("menu"), "an entry written after the invalidation is valid in the second JVM");
    // the second JVM read the marker a moment ago: its view is now stale for a whole interval, and an entry
    // with the newer token must not be taken for an old one (it would drop it from the store for everyone)
    second.invalidate();
    deps.put("menu", "pie", deps.file(file));
    assertEquals("pie", childGet("menu"), "a newer marker than the second JVM's view");
    assertEquals("pie", cache.get("menu"));
  }
}
