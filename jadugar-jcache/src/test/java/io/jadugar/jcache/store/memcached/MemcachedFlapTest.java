package io.jadugar.jcache.store.memcached;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that dies and returns, or freezes and resumes, under load from two JVMs: no read ever
 * returns a value older than the last write of its key that returned before the read began.
 */
class MemcachedFlapTest {

  private static final int KEYS = 150;
  private List<MemcachedServer> servers = List.of();

  @BeforeEach
  void start() throws Exception {
    servers = MemcachedFixture.launch(3);
  }

  @AfterEach
  void stop() {
    servers.forEach(MemcachedServer::close);
  }

  private static MutableConfiguration<String, Long> longs() {
    return new MutableConfiguration<String, Long>().setTypes(String.class, Long.class);
  }

  @Test
  void aServerKilledAndRestartedThreeTimesUnderTwoJvmsServesNoStaleValue() throws Exception {
    runUnderTwoJvms("flap-kill", () -> {
      MemcachedServer victim = ordinaryServer();
      for (int round = 0; round < 3; round++) {
        victim.stop(); // kill -9
        Thread.sleep(1200); // writes for its keys fail (or, redirected, land on another server)
        victim.start(); // empty, on the same port
        Thread.sleep(2800); // both JVMs reconnect, at their own pace, and write its keys again
      }
    });
  }

  @Test
  void aJvmThatHasNotSeenAServerReturnReadsNoValueOlderThanAnotherJvmsWrite() throws Exception {
    // a slow reconnect for one manager (1 s, 2 s, 4 s ... up to 30 s), a fast one for the other
    CacheManager slow = MemcachedFixture.manager(servers, "jadugar.memcached.reconnect-delay", "30s",
        "jadugar.memcached.operation-timeout", "1s");
    CacheManager fast = MemcachedFixture.manager(servers, "jadugar.memcached.reconnect-delay", "1s",
        "jadugar.memcached.operation-timeout", "1s");
    try {
      Cache<String, Long> a = slow.createCache("returning", longs());
      Cache<String, Long> b = fast.createCache("returning", longs());
      for (int i = 0; i < 30; i++) {
        b.put("k" + i, 1L);
      }
      assertEquals(Long.valueOf(1), a.get("k0"));
      MemcachedServer victim = generationServer();
      victim.stop();
      Thread.sleep(1200); // the slow manager's first reconnect fails; its next is seconds away
      victim.start(); // empty: whatever it kept for the cache is gone
      MemcachedConnection bc = MemcachedFixture.connection(b);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (bc.client().getAvailableServers().size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<String> written = new java.util.ArrayList<>();
      for (int i = 0; i < 30; i++) {
        try {
          b.put("k" + i, 2L);
          written.add("k" + i);
        } catch (javax.cache.CacheException e) {
          // its server is not back for this manager yet
        }
      }
      assertTrue(!written.isEmpty(), "the fast manager wrote");
      for (String k : written) {
        Long v = a.get(k);
        assertTrue(v == null || v == 2L, k + ": read " + v + " after 2 was written by the other manager");
      }
    } finally {
      slow.close();
      fast.close();
    }
  }

  /** The server that holds a key named {@code ...:gen}, if the store keeps one; the first otherwise. */
  private MemcachedServer generationServer() throws Exception {
    for (MemcachedServer s : servers) {
      if (s.send("lru_crawler metadump hash").lines().anyMatch(l -> l.matches("key=\\S*(:|%3A)gen( .*)?"))) {
        return s;
      }
    }
    return servers.get(0);
  }

  /**
   * A server that holds no key named {@code ...:gen}: a store that keeps its cache's generation in
   * one such key re-keys every entry when that server restarts empty, which would hide copies left
   * behind on another server by an earlier outage, the stale values this test looks for.
   */
  private MemcachedServer ordinaryServer() throws Exception {
    for (MemcachedServer s : servers) {
      boolean holdsGeneration = s.send("lru_crawler metadump hash").lines()
          .anyMatch(l -> l.matches("key=\\S*(:|%3A)gen( .*)?"));
      if (!holdsGeneration) {
        return s;
      }
    }
    throw new AssertionError("every server holds a generation key");
  }

  @Test
  void aServerRestartedWithItsOldContentsServesNoStaleValue() throws Exception {
    Path memory = Files.createTempFile(Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"),
        "jadugar-memcached-", ".mem");
    Files.delete(memory);
    MemcachedServer victim = MemcachedServer.launch("-e", memory.toString());
    MemcachedServer other = servers.get(2);
    servers = List.of(servers.get(0), servers.get(1), victim);
    other.close();
    try {
      runUnderTwoJvms("flap-warm", () -> {
        for (int round = 0; round < 2; round++) {
          victim.stopKeepingContents();
          Thread.sleep(1500);
          victim.start(); // with what it held when it stopped
          Thread.sleep(1500);
        }
      });
    } finally {
      Files.deleteIfExists(memory);
    }
  }

  @Test
  void aServerFrozenAndResumedWithItsOldContentsServesNoStaleValue() throws Exception {
    MemcachedServer victim = servers.get(1);
    runUnderTwoJvms("flap-stop", () -> {
      for (int round = 0; round < 2; round++) {
        victim.pause(); // SIGSTOP: it keeps what it had, and answers nothing
        Thread.sleep(2500); // beyond the operation timeout: the client may give up on the connection
        victim.resume();
        Thread.sleep(1500);
      }
    });
  }

  /** What the test does to the servers while both JVMs run their load. */
  @FunctionalInterface
  private interface Faults {
    void run() throws Exception;
  }

  private void runUnderTwoJvms(String cacheName, Faults faults) throws Exception {
    String list = servers.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(","));
    Path shared = Files.createTempFile("flap", ".bin");
    Path stopFile = Files.createTempFile("flap", ".stop");
    Files.delete(stopFile);
    Path log = Files.createTempFile("flap", ".log");
    CacheManager m = MemcachedFixture.manager(servers, "jadugar.memcached.operation-timeout", "1s",
        "jadugar.memcached.reconnect-delay", "1s");
    Process other = null;
    try {
      Cache<String, Long> c = m.createCache(cacheName, longs());
      FlapLoad load = new FlapLoad(c, shared, 2, KEYS);
      other = ChildJvm.builder(FlapWorker.class, list, cacheName, shared.toString(), String.valueOf(KEYS),
          stopFile.toString())
          .redirectErrorStream(true).start();
      CompletableFuture<String> output = collect(other, log);
      awaitReady(log);
      load.start(0, 2);
      Thread.sleep(1000); // the load settles: every key is written before the first fault
      faults.run();
      Thread.sleep(500);
      Files.createFile(stopFile);
      load.stop();
      assertTrue(other.waitFor(60, TimeUnit.SECONDS), "the other JVM finished");
      String theirs = output.get(5, TimeUnit.SECONDS);
      String result = theirs.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
          .orElseThrow(() -> new AssertionError("the other JVM did not report: " + tail(theirs)));
      System.out.println(cacheName + ": this JVM " + load.summary() + "; the other " + result);
      assertTrue(load.writes.get() > 0 && load.hits.get() > 0, "this JVM worked: " + load.summary());
      assertTrue(result.matches(".* hits=[1-9].*"), "the other JVM worked: " + result);
      assertEquals(0, load.stale.get(), "stale reads in this JVM: " + load.summary());
      assertEquals(0, other.exitValue(), "stale reads in the other JVM: " + result);
    } finally {
      if (other != null && other.isAlive()) {
        other.destroyForcibly();
      }
      m.close();
      servers.forEach(s -> {
        try {
          s.resume();
        } catch (Exception e) {
          // not paused, or not running
        }
      });
      Files.deleteIfExists(shared);
      Files.deleteIfExists(stopFile);
      Files.deleteIfExists(log);
    }
  }

  /** Copies the process's output to {@code log} as it comes, and returns all of it at the end. */
  private static CompletableFuture<String> collect(Process p, Path log) {
    return CompletableFuture.supplyAsync(() -> {
      StringBuilder all = new StringBuilder();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          all.append(line).append('\n');
          if (line.equals("READY") || line.startsWith("RESULT ")) {
            Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
          }
        }
      } catch (java.io.IOException e) {
        all.append(e);
      }
      return all.toString();
    });
  }

  private static void awaitReady(Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(log).contains("READY")) {
      assertTrue(System.nanoTime() < deadline, "the other JVM did not start");
      Thread.sleep(50);
    }
  }

  private static String tail(String s) {
    return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
  }
}
