package io.jadugar.extensions.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.store.hazelcast.HazelcastCluster;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import io.jadugar.jcache.store.redis.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tags against what servers do behind the cache's back, seen with their own clients: a tag record
 * deleted on the server (as an eviction would) by redis-cli, memcached's text protocol or a raw
 * Hazelcast client makes its entries misses for good; a Redis killed and restarted, with its data
 * (append-only file) or without, never serves an entry invalidated before; a tagged read still works
 * after Redis forgot its scripts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TagFaultsTest {

  private RedisServer redis;
  private MemcachedServer memcached;
  private HazelcastCluster hazelcast;
  private final Map<String, CacheManager> managers = new java.util.HashMap<>();

  @BeforeAll
  void servers() throws Exception {
    redis = RedisServer.launch();
    memcached = MemcachedServer.launch();
    hazelcast = HazelcastCluster.launch(1);
    managers.put("redis", manager(redis.address() + "/tag-faults"));
    managers.put("memcached", manager("memcached://" + memcached.hostPort() + "/tag-faults"));
    managers.put("hazelcast", manager("hazelcast://" + hazelcast.addresses() + "/tag-faults",
        "jadugar.hazelcast.cluster-name", hazelcast.clusterName()));
  }

  @AfterAll
  void stop() {
    managers.values().forEach(CacheManager::close);
    for (AutoCloseable server : new AutoCloseable[] {redis, memcached, hazelcast}) {
      try {
        if (server != null) {
          server.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static CacheManager manager(String uri, String... settings) {
    Properties p = new Properties();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      p.setProperty(settings[i], settings[i + 1]);
    }
    return Caching.getCachingProvider().getCacheManager(URI.create(uri), TagFaultsTest.class.getClassLoader(), p);
  }

  private static Cache<String, String> cache(CacheManager m, String name) {
    return m.createCache(name, new JadugarConfiguration<String, String>().setTypes(String.class, String.class));
  }

  /** The record key of {@code tag} as the tag records cache's store holds it: a String key's bytes. */
  private static String recordKey(String tag) {
    return "s" + TagVersions.name(tag);
  }

  /** Deletes the record of {@code tag} of cache {@code cache} on {@code store}'s server with its own client; returns how many. */
  private int deleteOnServer(String store, String cache, String tag) throws IOException {
    String records = cache + TagManager.RECORDS_SUFFIX;
    int deleted = 0;
    switch (store) {
      case "redis" -> {
        for (String k : redis.cli("--raw", "KEYS", "*" + records + "*").split("\n")) {
          if (k.endsWith(":" + recordKey(tag))) {
            deleted += redis.cli("DEL", k).trim().endsWith("1") ? 1 : 0;
          }
        }
      }
      case "memcached" -> {
        // memcached keys are namespace:generation:key; metadump lists them URL-encoded
        for (String line : memcached.send("lru_crawler metadump all").split("\r?\n")) {
          if (line.startsWith("key=")) {
            String k = URLDecoder.decode(line.substring(4, line.indexOf(' ')), StandardCharsets.UTF_8);
            if (k.contains(records) && k.endsWith(":" + recordKey(tag))) {
              deleted += memcached.send("delete " + k).startsWith("DELETED") ? 1 : 0;
            }
          }
        }
      }
      case "hazelcast" -> {
        ClientConfig c = new ClientConfig().setClusterName(hazelcast.clusterName());
        c.getNetworkConfig().addAddress(hazelcast.addresses().split(","));
        c.setProperty("hazelcast.logging.type", "slf4j");
        HazelcastInstance client = HazelcastClient.newHazelcastClient(c);
        try {
          // one IMap of byte[] keys and frames per cache
          IMap<Object, Object> map = client.getMap("jadugar:" + records);
          for (Object k : map.keySet()) {
            if (k instanceof byte[] b && new String(b, StandardCharsets.UTF_8).equals(recordKey(tag))) {
              map.delete(k);
              deleted++;
            }
          }
        } finally {
          client.shutdown();
        }
      }
      default -> throw new IllegalArgumentException(store);
    }
    return deleted;
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis", "memcached", "hazelcast"})
  void aTagRecordDeletedOnTheServerMakesItsEntriesMissesForGood(String store) throws IOException {
    Cache<String, String> cache = cache(managers.get(store), "evicted");
    TagManager<String, String> tags = TagManager.of(cache);
    tags.tags("t").putAll(Map.of("a", "v", "b", "v", "c", "v", "unread", "v"));
    tags.tags("u").put("other", "o");
    assertEquals("v", cache.get("a"), store + ": valid before");
    assertEquals(1, deleteOnServer(store, "evicted", "t"), store + ": the record of t was on the server");
    assertNull(cache.get("a"), store + ": get, its tag's record gone: invalid, never 'version 0'");
    assertFalse(cache.containsKey("b"), store + ": containsKey");
    assertEquals(Map.of("other", "o"), cache.getAll(Set.of("c", "other")), store + ": getAll; the other tag's entry stays");
    // a new write makes the record again, with a version no old entry carries
    tags.tags("t").put("new", "n");
    assertEquals("n", cache.get("new"), store + ": written after the loss");
    assertNull(cache.get("unread"), store + ": not read while the record was gone, still invalid once it is back");
  }

  @ParameterizedTest
  @ValueSource(strings = {"append-only file", "no persistence"})
  void anEntryInvalidatedBeforeARedisRestartIsNotServedAfterIt(String persistence) throws Exception {
    boolean kept = persistence.equals("append-only file");
    try (RedisServer server = kept ? RedisServer.launch("--appendonly", "yes", "--appendfsync", "always")
        : RedisServer.launch()) {
      CacheManager m = manager(server.address() + "/tag-restart", "jadugar.redis.timeout", "1s",
          "jadugar.redis.connect-timeout", "1s");
      try {
        Cache<String, String> cache = cache(m, "restarted");
        TagManager<String, String> tags = TagManager.of(cache);
        tags.tags("t").putAll(Map.of("k", "v", "k2", "v"));
        tags.tags("u").put("other", "o");
        assertEquals("v", cache.get("k"));
        tags.invalidateTag("t");
        server.kill(); // SIGKILL: what was acknowledged is in the append-only file, nothing more
        server.start();
        // the restarted server has no script loaded: the tagged read loads it again (NOSCRIPT)
        assertEquals(kept ? "o" : null, afterReconnect(() -> cache.get("other")),
            persistence + ": the other tag's entry " + (kept ? "came back" : "is gone"));
        assertNull(cache.get("k"), persistence + ": invalidated before the restart");
        assertFalse(cache.containsKey("k2"), persistence);
        assertEquals(Map.of(), cache.getAll(Set.of("k", "k2")), persistence);
        tags.tags("t").put("k", "v2");
        assertEquals("v2", cache.get("k"), persistence + ": written after the restart");
        tags.invalidateTag("t");
        assertNull(cache.get("k"), persistence + ": and invalidated again");
      } finally {
        m.close();
      }
    }
  }

  @Test
  void aTaggedReadWorksAfterRedisForgotItsScripts() throws IOException {
    Cache<String, String> cache = cache(managers.get("redis"), "flushed");
    TagManager<String, String> tags = TagManager.of(cache);
    tags.tags("t").putAll(Map.of("k", "v", "k2", "v"));
    assertEquals("v", cache.get("k"));
    long loads = redis.calls("script|load");
    redis.cli("SCRIPT", "FLUSH");
    assertEquals("v", cache.get("k"), "get after SCRIPT FLUSH");
    redis.cli("SCRIPT", "FLUSH");
    assertTrue(cache.containsKey("k2"), "containsKey after SCRIPT FLUSH");
    assertTrue(redis.calls("script|load") >= loads + 2, "the script was loaded again after each flush");
    tags.invalidateTag("t");
    redis.cli("SCRIPT", "FLUSH");
    assertNull(cache.get("k"), "invalidated, after SCRIPT FLUSH");
    redis.cli("SCRIPT", "FLUSH");
    assertFalse(cache.containsKey("k2"), "invalidated, containsKey after SCRIPT FLUSH");
  }

  /** {@code read} once the client is connected again (it fails while it reconnects). */
  private static <T> T afterReconnect(Supplier<T> read) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return read.get();
      } catch (CacheException e) {
        if (System.nanoTime() > deadline) {
          fail("the client did not come back within 20 s", e);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new AssertionError(ie);
        }
      }
    }
  }
}
