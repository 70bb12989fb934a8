package io.jadugar.jcache.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.store.hazelcast.HazelcastCluster;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With write-through, the CacheWriter sees every change that commits exactly once, in commit order
 * per key, and no change that did not commit, on every store, batches ({@code putAll},
 * {@code removeAll}) raced against single-key operations included. Two JVMs (this one and a child;
 * on the memory store, twice the threads in this one) of 8 threads each run {@link Workload} on 10 keys through a cache whose writer
 * appends each call to one shared log ({@link LoggingWriter}); then the number of calls per key
 * equals the changes that committed there (plus the deletes JSR-107 sends for a {@code remove(key)}
 * of an absent entry), and replaying the log (last write wins, a delete removes) gives exactly what
 * the cache holds.
 */
class WriterExactlyOnceTest {

  private static final int THREADS = 8;
  private static final int OPS_PER_THREAD = 250;

  private static RedisServer redis;
  private static RedisServer.Cluster cluster;
  private static final List<MemcachedServer> MEMCACHED = new ArrayList<>();
  private static HazelcastCluster hazelcast;

  @BeforeAll
  static void startServers() throws Exception {
    redis = RedisServer.launch();
    cluster = RedisServer.Cluster.launch();
    for (int i = 0; i < 3; i++) {
      MEMCACHED.add(MemcachedServer.launch());
    }
    hazelcast = HazelcastCluster.launch(1);
  }

  @AfterAll
  static void stopServers() {
    if (redis != null) {
      redis.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    MEMCACHED.forEach(MemcachedServer::close);
    if (hazelcast != null) {
      hazelcast.close();
    }
  }

  /** The cache both JVMs open: write-through to the logging writer. */
  static MutableConfiguration<String, Integer> configuration() {
    return new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class)
        .setWriteThrough(true).setCacheWriterFactory(FactoryBuilder.factoryOf(LoggingWriter.class));
  }

  static Stream<String> stores() {
    return Stream.of("memory", "redis", "redis-cluster", "memcached-1", "memcached-3", "hazelcast");
  }

  private static Properties settings(String store) {
    Properties p = new Properties();
    switch (store) {
      case "memory":
        break;
      case "hazelcast":
        p.setProperty("jadugar.store", "hazelcast");
        p.setProperty("jadugar.hazelcast.members", hazelcast.addresses());
        p.setProperty("jadugar.hazelcast.cluster-name", hazelcast.clusterName());
        break;
      case "redis":
        p.setProperty("jadugar.store", "redis");
        p.setProperty("jadugar.redis.address", redis.address());
        break;
      case "redis-cluster":
        p.setProperty("jadugar.store", "redis");
        p.setProperty("jadugar.redis.cluster.nodes", cluster.addresses());
        break;
      default:
        int n = store.equals("memcached-1") ? 1 : 3;
        p.setProperty("jadugar.store", "memcached");
        p.setProperty("jadugar.memcached.servers",
            MEMCACHED.subList(0, n).stream().map(MemcachedServer::hostPort).collect(Collectors.joining(",")));
        break;
    }
    return p;
  }

  @ParameterizedTest
  @MethodSource("stores")
  void theWriterSeesEachCommittedChangeOnceInCommitOrder(String store) throws Exception {
    Path log = Files.createTempFile("writer-" + store + "-", ".log");
    String cacheName = "exactly-" + System.nanoTime();
    Properties settings = settings(store);
    LoggingWriter.open(log, "jvm1");
    JadugarCachingProvider provider = new JadugarCachingProvider();
    Process other = null;
    try {
      CacheManager manager = provider.getCacheManager(URI.create("jadugar:writer-" + store),
          getClass().getClassLoader(), settings);
      Cache<String, Integer> cache = manager.createCache(cacheName, configuration());
      long[] committed;
      long[] owed;
      if (store.equals("memory")) {
        // an embedded store lives in one JVM: all the threads here
        long[][] mine = Workload.run(cache, 1, 2 * THREADS, OPS_PER_THREAD, 1);
        LoggingWriter.close();
        committed = mine[0];
        owed = mine[1];
      } else {
        other = worker(cacheName, log, settings);
        BufferedReader out = ChildJvm.output(other);
        assertTrue(ChildJvm.readUntil(out, "ready").get(60, TimeUnit.SECONDS) != null, "the other JVM is ready");
        Writer go = new OutputStreamWriter(other.getOutputStream(), StandardCharsets.UTF_8);
        go.write("go\n");
        go.flush();
        CompletableFuture<String> theirs = ChildJvm.readUntil(out, "committed ");
        long[][] mine = Workload.run(cache, 1, THREADS, OPS_PER_THREAD, 1);
        String line = theirs.get(120, TimeUnit.SECONDS);
        assertTrue(line != null, "the other JVM reported what it committed");
        assertTrue(other.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, other.exitValue());
        LoggingWriter.close();

        committed = mine[0].clone();
        owed = mine[1].clone();
        String[] counts = line.split(" ");
        for (int k = 0; k < Workload.KEYS; k++) {
          committed[k] += Long.parseLong(counts[1 + k]);
          owed[k] += Long.parseLong(counts[2 + Workload.KEYS + k]);
        }
      }
      Map<String, Long> calls = new HashMap<>();
      Map<String, Integer> replayed = new HashMap<>();
      List<String> lines = Files.readAllLines(log);
      for (String l : lines) {
        String[] f = l.split(" ");
        calls.merge(f[1], 1L, Long::sum);
        if (f[0].equals("W")) {
          replayed.put(f[1], Integer.valueOf(f[2]));
        } else {
          replayed.remove(f[1]);
        }
      }
      long total = 0;
      long totalOwed = 0;
      StringBuilder perKey = new StringBuilder();
      Map<String, Integer> held = new HashMap<>();
      for (int k = 0; k < Workload.KEYS; k++) {
        String key = Workload.key(k);
        total += committed[k];
        totalOwed += owed[k];
        perKey.append(key).append(": ").append(calls.getOrDefault(key, 0L)).append(" calls / ")
            .append(committed[k]).append(" committed + ").append(owed[k] - committed[k]).append(" removes that may have found nothing; ");
        Integer v = cache.get(key);
        if (v != null) {
          held.put(key, v);
        }
      }
      List<String> differ = new ArrayList<>();
      for (int k = 0; k < Workload.KEYS; k++) {
        String key = Workload.key(k);
        if (!java.util.Objects.equals(held.get(key), replayed.get(key))) {
          differ.add(key + " holds " + held.get(key) + ", the log says " + replayed.get(key));
        }
      }
      String summary = store + ": " + lines.size() + " writer calls for " + total + " committed changes and "
          + (totalOwed - total) + " removes that may have found nothing (" + perKey
          + "); replay differs from the cache on " + differ.size() + " of " + Workload.KEYS + " keys " + differ;
      System.out.println(summary);
      assertEquals(totalOwed, lines.size(), "(a) one writer call per committed change: " + summary);
      for (int k = 0; k < Workload.KEYS; k++) {
        String key = Workload.key(k);
        assertEquals(owed[k], calls.getOrDefault(key, 0L), "(c) calls of " + key + ": " + summary);
      }
      assertEquals(held, replayed, "(b) replaying the log gives the cache's final state: " + summary);
      Files.deleteIfExists(log);
    } finally {
      if (other != null) {
        other.destroyForcibly();
      }
      LoggingWriter.close();
      provider.close();
    }
  }

  private static Process worker(String cacheName, Path log, Properties settings) throws Exception {
    return ChildJvm.builder(WriterWorker.class, ChildJvm.withSettings(List.of("2", cacheName, log.toString(),
        String.valueOf(THREADS), String.valueOf(OPS_PER_THREAD), "2"), settings))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
