package io.jadugar.extensions.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.extensions.writeback.RecordingWriter.Seen;
import io.jadugar.jcache.store.redis.RedisServer;
import io.jadugar.jcache.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.jadugar.jcache.JadugarCache;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.redisson.client.codec.StringCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-back contract on a journal in a real Redis, and what only a shared journal does: a JVM
 * killed with {@code kill -9} leaves changes waiting and a batch in flight at its writer; another
 * JVM's write-back on the same journal delivers all of them (the batch once its lease ends), with
 * the last value of every key whose write returned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisJournalTest extends WriteBackContract {

  private static final Logger LOG = LoggerFactory.getLogger(RedisJournalTest.class);

  private RedisServer redis;
  private RedissonClient redisson;
  private String name;

  @BeforeAll
  void start() throws IOException {
    redis = RedisServer.launch();
    Config config = new Config();
    config.useSingleServer().setAddress(redis.address());
    redisson = Redisson.create(config);
  }

  @AfterAll
  void stop() {
    if (redisson != null) {
      redisson.shutdown();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void name() {
    name = "test-" + System.nanoTime();
  }

  @Override
  WriteBackJournal journal() {
    return RedisJournal.on(redisson, name);
  }

  @Test
  void twoJvmsOnOneJournalKeepEachKeysChangesInOrder() throws Exception {
    String list = "order-log-" + name;
    String cacheName = "order-" + name;
    Process child = ChildJvm.builder(OrderWorker.class, redis.address(), cacheName, name, list)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = ChildJvm.output(child);
    assertEquals("ready", ChildJvm.readUntil(out, "ready").get(60, TimeUnit.SECONDS));
    CompletableFuture<String> childDone = ChildJvm.readUntil(out, "done");
    CacheManager manager = OrderWorker.run(redis.address(), cacheName, name, list, "parent");
    try {
      assertEquals("done", childDone.get(120, TimeUnit.SECONDS), "the second JVM wrote and flushed");
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      manager.getCache(cacheName).unwrap(JadugarCache.class).flush(); // what the second JVM appended last, too
      List<String> log = redisson.<String>getList(list, StringCodec.INSTANCE).readAll();
      Map<String, Long> versions = new HashMap<>();
      Map<String, String> last = new HashMap<>();
      for (String line : log) {
        String key = line.substring(0, line.indexOf('='));
        int at = line.lastIndexOf('@');
        if (at > 0) {
          long v = Long.parseLong(line.substring(at + 1));
          Long before = versions.put(key, v);
          assertTrue(before == null || before < v, key + ": version " + v + " reached a writer after " + before);
          last.put(key, line.substring(line.indexOf('=') + 1, at));
        } else {
          last.put(key, null);
        }
      }
      Cache<String, String> cache = manager.getCache(cacheName);
      for (int k = 0; k < OrderWorker.KEYS; k++) {
        assertEquals(cache.get("k" + k), last.get("k" + k), "k" + k + ": the writers' last change is what the cache holds");
      }
      LOG.info("two JVMs: {} changes reached their writers, in order per key", log.size());
      assertTrue(log.size() > OrderWorker.KEYS, "batches from both JVMs: " + log.size());
    } finally {
      manager.close();
      child.destroyForcibly();
    }
  }

  @Test
  void aJournalOnRedisClusterKeepsItsKeysInOneSlot() throws Exception {
    try (RedisServer.Cluster cluster = RedisServer.Cluster.launch()) {
      Config config = new Config();
      config.useClusterServers().addNodeAddress(cluster.addresses().split(","));
      RedissonClient client = Redisson.create(config);
      try {
        WriteBack<String, String> wb = open(WriteBack.builder(writer, String.class, String.class)
            .journal(RedisJournal.on(client, name)).maxDelay(Duration.ofHours(1)).maxAttempts(1)
            .closeTimeout(Duration.ofMillis(200)));
        writer.refuse = k -> k.equals("k0");
        for (int i = 0; i < 300; i++) {
          wb.write(new WriteBackEntry<>("k" + (i % 100), "v" + i, 0)); // multi-key scripts: CROSSSLOT if the keys were spread
        }
        wb.flush();
        assertEquals(99, writer.seen.stream().map(Seen::key).distinct().count(), "every key but k0 was written");
        List<Seen> k99 = writer.taken("k99");
        assertEquals("v299", k99.get(k99.size() - 1).value());
        assertEquals(List.of("k0=v200"), wb.deadLetters().stream().map(d -> d.key() + "=" + d.value()).toList(),
            "k0's last change is its dead letter");
        assertEquals(0, wb.stats().pending());
        wb.close();
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void anotherJvmDeliversWhatAKilledJvmLeftWaitingAndInFlight() throws Exception {
    Process child = ChildJvm.builder(TakeoverWorker.class, redis.address(), name, "1000", "500", "200")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, String> returned = new HashMap<>();
    BufferedReader out = ChildJvm.output(child);
    try {
      for (String l = out.readLine(); l != null && !l.equals("done"); l = out.readLine()) {
        if (l.startsWith("R ")) {
          String[] p = l.split(" ");
          returned.put(p[1], p[2]);
        }
      }
      assertEquals(200, returned.size(), "the child JVM wrote to every key");
    } finally {
      child.destroyForcibly(); // SIGKILL
      child.waitFor(10, TimeUnit.SECONDS);
    }

    // read before any other JVM touches the journal: what the dead JVM left, as it left it
    String prefix = "jadugar:write-back:{" + name + "}:";
    assertEquals(200, redisson.getScoredSortedSet(prefix + "since", StringCodec.INSTANCE).size(),
        "every key the dead JVM's writer never took is pending");
    assertEquals(50, redisson.getScoredSortedSet(prefix + "flight", StringCodec.INSTANCE).size(),
        "its first batch was in flight at its (held) writer");
    WriteBack<String, String> heir = builder().maxDelay(Duration.ofMillis(1)).build();
    LOG.info("left by the killed JVM: {}", heir.stats());
    long start = System.nanoTime();
    heir.flush();
    LOG.info("the heir delivered them in {} ms (lease 1000 ms)", (System.nanoTime() - start) / 1_000_000);
    for (Map.Entry<String, String> e : returned.entrySet()) {
      List<Seen> taken = writer.taken(e.getKey());
      assertTrue(!taken.isEmpty(), e.getKey() + " reached the heir's writer");
      assertEquals(e.getValue(), taken.get(taken.size() - 1).value(), e.getKey() + ": the last value whose write returned");
    }
    assertEquals(0, heir.stats().pending());
    assertNotNull(heir.toString());
    heir.close();
  }
}
