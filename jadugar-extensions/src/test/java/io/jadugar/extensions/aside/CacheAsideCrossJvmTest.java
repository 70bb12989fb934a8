package io.jadugar.extensions.aside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.store.hazelcast.HazelcastCluster;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.AllStores;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cache-aside across JVMs, against real servers: three JVMs × 1,000 callers of one cold key run the
 * loader once in all on Redis (single and Cluster), memcached (one and three servers) and Hazelcast; a loader that throws in one JVM releases the
 * waiters of the others with its error; with the store killed (Redis: three JVMs; memcached and
 * Hazelcast: this one), each JVM loads at most once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheAsideCrossJvmTest {

  private static final int JVMS = 3;
  private static final int CALLERS = 1000;
  /** The callers per JVM waiting on another JVM's failing load. */
  private static final int WAITERS = 200;
  private static final Pattern ANSWER =
      Pattern.compile("loads=(\\d+) errors=(\\d+) firstMillis=(\\d+) lastMillis=(\\d+) values=([^|]*)\\|(.*)");

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("aside-jvm");

  /** One worker JVM's answer to {@code flight}. */
  private record Answer(int loads, int errors, long firstMillis, long lastMillis, Set<String> values,
      String errorMessages) {
    static Answer parse(String line) {
      Matcher m = ANSWER.matcher(line);
      assertTrue(m.matches(), "a worker's answer: " + line);
      Set<String> values = new HashSet<>(m.group(5).isEmpty() ? List.of() : List.of(m.group(5).split(",")));
      return new Answer(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Long.parseLong(m.group(3)),
          Long.parseLong(m.group(4)), values, m.group(6));
    }
  }

  /** A worker JVM on the servers of {@code uri} and {@code properties}, with {@code cache} open. */
  private static final class Worker implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final PrintWriter in;
    CompletableFuture<String> ready;

    Worker(URI uri, Properties properties, String cache) throws Exception {
      process = ChildJvm.builder(AsideWorker.class, ChildJvm.withSettings(List.of(uri.toString(), cache), properties))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      out = ChildJvm.output(process);
      in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
      ready = ChildJvm.readUntil(out, "ready");
    }

    /** Starts {@code flight}; the answer comes later ({@link #answer}) after {@code gate} was printed. */
    CompletableFuture<String> flight(String key, int callers, long loadMillis) throws Exception {
      CompletableFuture<String> gate = ChildJvm.readUntil(out, "gate");
      in.println("flight " + key + " " + callers + " " + loadMillis);
      assertNotNull(gate.get(60, TimeUnit.SECONDS), "the worker released its callers");
      return ChildJvm.readUntil(out, "> ");
    }

    @Override
    public void close() throws Exception {
      in.println("quit");
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** {@code n} workers, started together, each ready. */
  private static List<Worker> workers(int n, URI uri, Properties properties, String cache) throws Exception {
    List<Worker> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(new Worker(uri, properties, cache));
    }
    for (Worker w : all) {
      assertNotNull(w.ready.get(90, TimeUnit.SECONDS), "a worker JVM is ready");
    }
    return all;
  }

  private static void closeAll(List<Worker> workers) throws Exception {
    for (Worker w : workers) {
      w.close();
    }
  }

  /** The answers of {@code workers} to one flight of {@code key}, all started before any answer is read. */
  private static List<Answer> flight(List<Worker> workers, String key, long loadMillis) throws Exception {
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (Worker w : workers) {
      answers.add(w.flight(key, CALLERS, loadMillis));
    }
    List<Answer> all = new ArrayList<>();
    for (CompletableFuture<String> a : answers) {
      String line = a.get(120, TimeUnit.SECONDS);
      assertNotNull(line, "a worker answered");
      all.add(Answer.parse(line.substring(2)));
    }
    return all;
  }

  private void fresh(String store, String cache) {
    CacheManager m = stores.manager(store);
    m.destroyCache(cache);
    m.destroyCache(cache + CacheAside.SUFFIX);
  }

  /**
   * One set of three worker JVMs per store serves both checks, as starting JVMs is most of the cost:
   * single flight of a cold key, then a failing load here released in the workers.
   */
  @ParameterizedTest
  @ValueSource(strings = {"redis", "redis-cluster", "memcached", "memcached-3", "hazelcast"})
  void threeJvmsLoadAColdKeyOnceInAllAndHearOfAFailedLoadAtOnce(String store) throws Exception {
    String name = "aside-jvm";
    fresh(store, name);
    Cache<String, String> cache = stores.manager(store).createCache(name, AsideWorker.configuration());
    List<Worker> workers = workers(JVMS, stores.uri(store), stores.properties(store), name);
    try {
      // warm each JVM up (classes, connections) on a key of its own
      List<CompletableFuture<String>> warm = new ArrayList<>();
      for (int i = 0; i < JVMS; i++) {
        warm.add(workers.get(i).flight("warm-" + i, 10, 0));
      }
      for (CompletableFuture<String> w : warm) {
        assertEquals(1, Answer.parse(w.get(60, TimeUnit.SECONDS).substring(2)).loads(), store + ": warm-up");
      }
      singleFlight(store, workers, cache);
      // twice: the first failure in a worker JVM runs its failure path cold (classes loaded, code
      // interpreted), as the first one in a JVM's life does; the second is what a failure costs after
      failureReleasesTheOtherJvms(store, workers, cache, "failing-cold");
      failureReleasesTheOtherJvms(store, workers, cache, "failing-warm");
    } finally {
      closeAll(workers);
    }
  }

  /** 3 JVMs x 1,000 callers of one cold key: one load in all, one value for all. */
  private static void singleFlight(String store, List<Worker> workers, Cache<String, String> cache) throws Exception {
    // the load lasts 500 ms: the callers of all three JVMs are released within it
    List<Answer> answers = flight(workers, "cold", 500);
    int loads = answers.stream().mapToInt(Answer::loads).sum();
    Set<String> values = new HashSet<>();
    answers.forEach(a -> values.addAll(a.values()));
    System.out.printf("%s: %d JVMs x %d callers of one cold key: %d load(s), per JVM %s, values %s%n", store, JVMS,
        CALLERS, loads, answers.stream().map(Answer::loads).toList(), values);
    assertEquals(1, loads, store + ": loads in all JVMs, per JVM " + answers.stream().map(Answer::loads).toList());
    assertEquals(1, values.size(), store + ": every caller of every JVM got the one loaded value: " + values);
    assertEquals(0, answers.stream().mapToInt(Answer::errors).sum(), store + ": errors " + answers);
    assertEquals(values.iterator().next(), cache.get("cold"), store + ": the value is stored");
  }

  /** A load failing here: every waiter of the workers gets its error, without waiting for the lease to end. */
  private static void failureReleasesTheOtherJvms(String store, List<Worker> workers, Cache<String, String> cache,
      String key) throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    long[] thrownAt = new long[1];
    IllegalStateException boom = new IllegalStateException("the source refused");
    CacheAside<String, String> aside = CacheAside.of(cache, k -> {
      loading.countDown();
      fail.await();
      thrownAt[0] = System.currentTimeMillis();
      throw boom;
    });
    CompletableFuture<Throwable> here = CompletableFuture.supplyAsync(() -> {
      try {
        return new AssertionError("got " + aside.get(key));
      } catch (RuntimeException e) {
        return e;
      }
    });
    assertTrue(loading.await(10, TimeUnit.SECONDS), store + ": the load started here");
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (Worker w : workers) {
      answers.add(w.flight(key, WAITERS, 0));
    }
    // time for every caller to reach the shared flight and for it to find the lease: a caller that
    // came after the failure would rightly load again (a failure is not cached)
    Thread.sleep(1500);
    fail.countDown();
    CacheLoaderException mine = assertInstanceOf(CacheLoaderException.class, here.get(10, TimeUnit.SECONDS));
    assertEquals(boom, mine.getCause());
    List<Long> firsts = new ArrayList<>();
    List<Long> releases = new ArrayList<>();
    for (CompletableFuture<String> f : answers) {
      Answer a = Answer.parse(f.get(60, TimeUnit.SECONDS).substring(2));
      assertEquals(0, a.loads(), store + ": the other JVM did not load: " + a);
      assertEquals(WAITERS, a.errors(), store + ": every caller of the other JVM got the error: " + a);
      assertTrue(a.errorMessages().contains("the source refused") && a.errorMessages().contains(cache.getName()),
          store + ": the error names the cache and the loader's failure: " + a.errorMessages());
      firsts.add(a.firstMillis() - thrownAt[0]);
      releases.add(a.lastMillis() - thrownAt[0]);
    }
    System.out.printf("%s, key %s: %d waiters in each other JVM, released after the loader threw: first %s ms, last %s ms%n",
        store, key, WAITERS, firsts, releases);
    // the lease lasts 10 s: the waiters heard of the failure, they did not wait for the lease to end
    // (a loaded machine has taken up to 0.8 s to run them all)
    releases.forEach(ms -> assertTrue(ms < 5000, store + ": released " + ms + " ms after the throw"));
  }

  @Test
  void withRedisKilledEachJvmLoadsAtMostOnce() throws Exception {
    try (RedisServer redis = RedisServer.launch()) {
      // generous: the machine may be loaded while the JVMs start; a killed server refuses at once
      Properties p = redisTimeouts("10s");
      List<Worker> workers = workers(JVMS, URI.create(redis.address() + "/down"), p, "aside-down");
      try {
        redis.kill();
        List<Answer> answers = flight(workers, "k", 500);
        System.out.printf("redis killed: loads per JVM %s, errors %s%n", answers.stream().map(Answer::loads).toList(),
            answers.stream().map(Answer::errors).toList());
        for (Answer a : answers) {
          assertEquals(1, a.loads(), "with the store unreachable, one load per JVM for " + CALLERS + " callers: " + a);
          assertEquals(0, a.errors(), "every caller got the loaded value: " + a);
          assertEquals(1, a.values().size(), "one value per JVM: " + a);
        }
      } finally {
        closeAll(workers);
      }
    }
  }

  /** memcached's default failure mode answers reads of a dead server as misses and fails writes: the lease write fails. */
  @Test
  void withMemcachedKilledThisJvmLoadsOnce() throws Exception {
    try (MemcachedServer memcached = MemcachedServer.launch()) {
      oneLoadWithTheStoreGone("memcached", URI.create("memcached://" + memcached.hostPort() + "/down"),
          new Properties(), memcached::close);
    }
  }

  /** A Hazelcast client that lost every member fails every operation at once while it reconnects. */
  @Test
  void withTheHazelcastMemberKilledThisJvmLoadsOnce() throws Exception {
    try (HazelcastCluster hazelcast = HazelcastCluster.launch(1)) {
      Properties p = new Properties();
      p.setProperty("jadugar.hazelcast.cluster-name", hazelcast.clusterName());
      oneLoadWithTheStoreGone("hazelcast", URI.create("hazelcast://" + hazelcast.addresses() + "/down"), p,
          () -> hazelcast.kill(0));
    }
  }

  /**
   * A Redis that stops answering ({@code SIGSTOP}) refuses nothing: each request waits for the
   * client's timeout (1 s here). The callers still get one load in this JVM, within the timeout and
   * the load, not stuck behind the frozen server; once it resumes, a load is stored again.
   */
  @Test
  void withRedisFrozenThisJvmLoadsOnceWithinTheTimeout() throws Exception {
    try (RedisServer redis = RedisServer.launch()) {
      Properties p = redisTimeouts("1s");
      long millis;
      try {
        millis = oneLoadWithTheStoreGone("redis (frozen)", URI.create(redis.address() + "/frozen"), p, redis::pause,
            redis::resume);
      } finally {
        redis.resume();
      }
      assertTrue(millis < 5_000, "the callers were answered " + millis + " ms after they asked (timeout 1 s, load 0.5 s)");
    }
  }

  /** Redis settings whose requests fail after {@code timeout}, without a retry. */
  private static Properties redisTimeouts(String timeout) {
    Properties p = new Properties();
    p.setProperty("jadugar.redis.timeout", timeout);
    p.setProperty("jadugar.redis.connect-timeout", timeout);
    p.setProperty("jadugar.redis.retry-attempts", "0");
    return p;
  }

  /** A store-down step of a test. */
  @FunctionalInterface
  private interface Kill {
    void run() throws Exception;
  }

  /** 1,000 callers of one key in this JVM, the store gone: one load, every caller gets its value. */
  private void oneLoadWithTheStoreGone(String store, URI uri, Properties properties, Kill kill) throws Exception {
    oneLoadWithTheStoreGone(store, uri, properties, kill, null);
  }

  /**
   * {@link #oneLoadWithTheStoreGone(String, URI, Properties, Kill)}, then, if {@code revive} is given,
   * the store brought back and a load of another key stored in it; returns how long the callers took.
   */
  private long oneLoadWithTheStoreGone(String store, URI uri, Properties properties, Kill kill, Kill revive)
      throws Exception {
    CacheManager manager = new JadugarCachingProvider().getCacheManager(uri, getClass().getClassLoader(), properties);
    try {
      Cache<String, String> cache = manager.createCache("aside-down", AsideWorker.configuration());
      AtomicInteger loads = new AtomicInteger();
      CacheAside<String, String> aside = CacheAside.of(cache, k -> {
        Thread.sleep(500);
        return "loaded " + loads.incrementAndGet();
      });
      kill.run();
      long start = System.nanoTime();
      List<Crowd.Outcome> outcomes = Crowd.run(CALLERS, 60, () -> aside.get("k"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      Set<String> got = new HashSet<>();
      outcomes.forEach(o -> got.add(o.error() == null ? String.valueOf(o.value()) : o.error().toString()));
      System.out.printf("%s: %d load(s) in this JVM, callers got %s in %d ms%n", store, loads.get(), got, millis);
      assertEquals(1, loads.get(), store + " unreachable: loads in this JVM for " + CALLERS + " callers");
      assertEquals(Set.of("loaded 1"), got, store);
      if (revive != null) {
        revive.run();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String stored = null;
        while (stored == null && System.nanoTime() < deadline) {
          try {
            aside.get("after");
            stored = cache.get("after");
          } catch (RuntimeException e) {
            Thread.sleep(100); // the client reconnects
          }
        }
        assertTrue(stored != null && stored.startsWith("loaded "), store + " back: a load is stored again, not " + stored);
      }
      return millis;
    } finally {
      manager.close();
    }
  }
}
