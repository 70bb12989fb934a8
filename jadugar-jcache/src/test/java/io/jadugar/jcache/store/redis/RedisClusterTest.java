package io.jadugar.jcache.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** The Redis store on a real 3-master Redis Cluster: batches, iteration and clear reach every master. */
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
      } finally {
        provider.close();
      }
    }
  }
}
