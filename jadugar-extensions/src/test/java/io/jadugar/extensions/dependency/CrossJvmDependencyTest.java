package io.jadugar.extensions.dependency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.testing.PostgresServer;
import io.jadugar.jcache.testing.AllStores;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dependencies across two JVMs on every shared store (Redis, Redis Cluster, memcached with one and
 * three servers, Hazelcast), with a real PostgreSQL: an UPDATE to a row makes the entries on it
 * misses in both JVMs within the check interval, and {@code invalidate()} in one JVM makes the
 * entries misses in the other. The second JVM rebuilds each dependency from the entry's metadata and
 * its own data source registered under the same name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossJvmDependencyTest {

  private static final Logger LOG = LoggerFactory.getLogger(CrossJvmDependencyTest.class);
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final Duration LIMIT = Duration.ofSeconds(10);
  /** How late past the interval a change may be seen, on a busy 2-core machine. */
  static final Duration SLACK = Duration.ofSeconds(1);
  static final String PRICE = "SELECT price FROM items WHERE id = ?";

  private final AtomicInteger rows = new AtomicInteger();
  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("dependencies");
  private PostgresServer postgres;
  @TempDir
  Path dir;

  @BeforeAll
  void start() throws Exception {
    postgres = PostgresServer.launch();
    postgres.execute("CREATE TABLE items (id INT PRIMARY KEY, price NUMERIC(10, 2))");
  }

  @AfterAll
  void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  Stream<String> shared() {
    return AllStores.NAMES.stream().filter(s -> !s.startsWith("memory"));
  }

  /** A cache on {@code store} with dependencies installed in this JVM and in a second one. */
  private final class TwoJvms implements AutoCloseable {
    final Cache<String, String> cache;
    final Dependencies<String, String> deps;
    final Process child;
    final PrintWriter toChild;
    final BufferedReader fromChild;

    TwoJvms(String store, String name) throws Exception {
      stores.manager(store).destroyCache(name);
      cache = stores.manager(store).createCache(name,
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      deps = Dependencies.on(cache, INTERVAL).register("pg", postgres.dataSource());
      child = ChildJvm.builder(DependencyWorker.class, ChildJvm.withSettings(List.of(stores.uri(store).toString(),
              name, postgres.url(), String.valueOf(INTERVAL.toMillis())), stores.properties(store)))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      toChild = new PrintWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8), true);
      fromChild = ChildJvm.output(child);
      assertEquals("ready", ChildJvm.readUntil(fromChild, "ready").get(60, TimeUnit.SECONDS),
          store + ": the second JVM started");
    }

    /** What the second JVM's {@code get(key)} returns ("null" for a miss). */
    String childGet(String key) {
      toChild.println("get " + key);
      try {
        String line = ChildJvm.readUntil(fromChild, "got ").get(30, TimeUnit.SECONDS);
        return line.substring(line.indexOf('=') + 1);
      } catch (Exception e) {
        throw new IllegalStateException("the second JVM did not answer get " + key, e);
      }
    }

    @Override
    public void close() throws Exception {
      toChild.println("quit");
      if (!child.waitFor(10, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
      deps.close();
    }
  }

  @ParameterizedTest
  @MethodSource("shared")
  void updatedRowIsAMissInBothJvmsWithinTheInterval(String store) throws Exception {
    int one = rows.incrementAndGet();
    int two = rows.incrementAndGet();
    postgres.execute("INSERT INTO items VALUES (" + one + ", 10.00), (" + two + ", 20.00)");
    try (TwoJvms jvms = new TwoJvms(store, "prices")) {
      Cache<String, String> cache = jvms.cache;
      Dependencies<String, String> deps = jvms.deps;
      deps.put("item:1", "10.00", deps.query("pg", PRICE, one));
      deps.put("item:2", "20.00", deps.query("pg", PRICE, two));
      assertEquals("10.00", jvms.childGet("item:1"), store + ": the second JVM rebuilt the dependency and found it valid");
      assertEquals("20.00", jvms.childGet("item:2"));

      postgres.execute("UPDATE items SET price = 11.00 WHERE id = " + one);
      long start = System.nanoTime();
      Duration here = Await.until(store + ": item:1 in this JVM", () -> cache.get("item:1"), null, LIMIT);
      Await.until(store + ": item:1 in the second JVM", () -> jvms.childGet("item:1"), "null", LIMIT);
      Duration both = Duration.ofNanos(System.nanoTime() - start);
      LOG.info("{}: UPDATE seen here after {}, in the second JVM after {} (interval {})", store, here, both, INTERVAL);
      assertTrue(here.compareTo(INTERVAL.plus(SLACK)) < 0, store + ": seen here after " + here);
      assertTrue(both.compareTo(INTERVAL.plus(SLACK)) < 0, store + ": seen in the second JVM after " + both);
      assertEquals("20.00", jvms.childGet("item:2"), store + ": another row's entry stays in the second JVM");
      assertEquals("20.00", cache.get("item:2"));
    }
  }

  @ParameterizedTest
  @MethodSource("shared")
  void invalidateInOneJvmIsAMissInTheOther(String store) throws Exception {
    try (TwoJvms jvms = new TwoJvms(store, "menus")) {
      Cache<String, String> cache = jvms.cache;
      Dependencies<String, String> deps = jvms.deps;
      Path file = Files.writeString(dir.resolve(store + "-menu.txt"), "soup");
      FileDependency dependency = deps.file(file);
      deps.put("menu", "soup", dependency);
      deps.put("drinks", "tea", dependency);
      assertEquals("soup", jvms.childGet("menu"));
      assertEquals("tea", jvms.childGet("drinks"));

      dependency.invalidate();
      assertNull(cache.get("menu"), store + ": a miss at once in the invalidating JVM");
      // this JVM never read "drinks" again: the second JVM's own check finds it invalid
      Duration there = Await.until(store + ": drinks in the second JVM", () -> jvms.childGet("drinks"), "null", LIMIT);
      LOG.info("{}: invalidate() seen in the second JVM after {} (interval {})", store, there, INTERVAL);
      assertTrue(there.compareTo(INTERVAL.plus(SLACK)) < 0, store + ": seen there after " + there);

      FileDependency second = deps.file(file);
      deps.put("menu", "stew", second);
      assertEquals("stew", jvms.childGet("menu"), store + ": an entry written after the invalidation is valid in the second JVM");
      // the second JVM read the marker a moment ago: its view is now stale for a whole interval, and an entry
      // with the newer token must not be taken for an old one (it would drop it from the store for everyone)
      second.invalidate();
      deps.put("menu", "pie", deps.file(file));
      assertEquals("pie", jvms.childGet("menu"), store + ": a newer marker than the second JVM's view");
      assertEquals("pie", cache.get("menu"));
    }
  }
}
