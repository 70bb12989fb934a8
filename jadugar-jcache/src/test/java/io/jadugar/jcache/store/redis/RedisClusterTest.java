package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** The Redis store on a real 3-master Redis Cluster: batches, iteration and clear reach every master; changes reach other clients. */
class RedisClusterTest {

  @Test
  void batchesIterationAndClearCoverEveryMaster() throws Exception {
    try (RedisServer.Cluster cluster = RedisServer.Cluster.launch()) {
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.store", "redis");
        p.setProperty("jadugar.redis.cluster.nodes", cluster.addresses());
        CacheManager manager = provider.getCacheManager(URI.create("jadugar:cluster"), getClass().getClassLoader(), p);
        Cache<String, String> cache = manager.createCache("spread",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        // another cache's entry, which clear() must leave alone
        Cache<String, String> other = manager.createCache("other",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        other.put("keep", "me");
        Map<String, String> all = new HashMap<>();
        for (int i = 0; i < 300; i++) {
          all.put("k" + i, "v" + i);
        }
        cache.putAll(all);
        for (RedisServer node : cluster.nodes()) {
          long keys = Long.parseLong(node.cli("DBSIZE").trim());
          assertTrue(keys > 10, "every master holds some entries: " + keys);
        }
        assertEquals(all, cache.getAll(all.keySet()));
        Set<String> seen = new HashSet<>();
        cache.forEach(e -> seen.add(e.getKey()));
        assertEquals(all.keySet(), seen);
        cache.removeAll(Set.of("k1", "k2", "k3"));
        assertEquals(297, cache.getAll(all.keySet()).size());
        cache.clear();
        long left = 0;
        for (RedisServer node : cluster.nodes()) {
          left += Long.parseLong(node.cli("DBSIZE").trim());
        }
        assertEquals(1, left, "only the other cache's entry is left");
        assertEquals("me", other.get("keep"));

        // a cache without events writes plain SETs, pipelined per master; expiry still lives in Redis
        Cache<String, String> quiet = manager.createCache("quiet",
            new io.jadugar.jcache.configuration.JadugarConfiguration<String, String>()
                .setSetting("jadugar.redis.events", "false").setTypes(String.class, String.class)
                .setExpiryPolicyFactory(javax.cache.expiry.CreatedExpiryPolicy.factoryOf(
                    new javax.cache.expiry.Duration(TimeUnit.SECONDS, 60))));
        quiet.putAll(all);
        assertEquals(all, quiet.getAll(all.keySet()));
        assertTrue(quiet.replace("k5", "v5", "w5"));
        assertEquals("w5", quiet.get("k5"));
        long withTtl = 0;
        for (RedisServer node : cluster.nodes()) {
          for (String k : node.cli("KEYS", "quiet:*").split("\\s+")) {
            if (!k.isBlank()) {
              long pttl = Long.parseLong(node.cli("PTTL", k).trim());
              assertTrue(pttl > 30_000 && pttl <= 62_000, k + " PTTL " + pttl); // slack for a loaded machine
              withTtl++;
            }
          }
        }
        assertEquals(300, withTtl);
        quiet.clear();

        // a second client (another cache manager, as another JVM would have) changes an entry:
        // the first one's listener hears it through the cluster's pub/sub
        RedisCrossJvmTest.Recorder.HEARD.clear();
        Cache<String, Integer> heard = manager.createCache("heard",
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class)
                .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(
                    FactoryBuilder.factoryOf(RedisCrossJvmTest.Recorder.class), null, true, true)));
        CacheManager second = provider.getCacheManager(URI.create("jadugar:cluster-2"), getClass().getClassLoader(), p);
        Cache<String, Integer> writer = second.createCache("heard",
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        writer.put("k", 1);
        writer.put("k", 2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (RedisCrossJvmTest.Recorder.HEARD.size() < 2 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(List.of("CREATED k=1 old=null", "UPDATED k=2 old=1"), RedisCrossJvmTest.Recorder.HEARD);
        assertEquals(2, heard.get("k"));
      } finally {
        provider.close();
      }
    }
  }
}
