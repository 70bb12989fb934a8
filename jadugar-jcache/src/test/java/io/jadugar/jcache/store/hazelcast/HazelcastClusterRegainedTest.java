package io.jadugar.jcache.store.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.spi.StoreStateListener;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/**
 * A client whose whole cluster dies ({@code kill -9} of its only member) and comes back on the same
 * address: the store state listeners hear the member go down and come up, operations fail meanwhile
 * with an error naming the address, and the caches opened before work again, not re-created.
 */
class HazelcastClusterRegainedTest {

  private static void await(BooleanSupplier condition, long ms, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + ms;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("not within " + ms + " ms: " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aClientThatRegainsItsClusterHearsItUpAndItsCachesWorkAgain() throws Exception {
    try (HazelcastCluster cluster = HazelcastCluster.launch(1)) {
      String address = "127.0.0.1:" + cluster.port(0);
      JadugarCachingProvider provider = new JadugarCachingProvider();
      try {
        Properties p = new Properties();
        p.setProperty("jadugar.hazelcast.cluster-name", cluster.clusterName());
        p.setProperty("jadugar.hazelcast.connect-timeout", "2s");
        CacheManager manager = provider.getCacheManager(URI.create("hazelcast://" + address),
            getClass().getClassLoader(), p);
        List<String> heard = new CopyOnWriteArrayList<>();
        manager.unwrap(JadugarManager.class).addStoreStateListener(new StoreStateListener() {
          @Override
          public void down(String a, Throwable cause) {
            heard.add("down " + a);
          }

          @Override
          public void up(String a) {
            heard.add("up " + a);
          }
        });
        Cache<String, Integer> cache = manager.createCache("regained",
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        cache.put("before", 1);

        cluster.kill(0);
        await(() -> heard.contains("down " + address), 20_000, "down heard: " + heard);
        // well past the connect timeout: the client must still be trying, not have given up
        Thread.sleep(3_000);
        long start = System.nanoTime();
        CacheException e = assertThrows(CacheException.class, () -> cache.get("before"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(String.valueOf(e.getMessage()).contains(address), e.getMessage());
        assertTrue(ms < 10_000, "an operation without a cluster failed only after " + ms + " ms");

        cluster.restart(0, 1);
        await(() -> heard.contains("up " + address), 30_000, "up heard: " + heard);
        await(() -> {
          try {
            cache.put("after", 2);
            return true;
          } catch (CacheException again) {
            return false;
          }
        }, 30_000, "the cache works again");
        assertEquals(2, cache.get("after"));
        assertNull(cache.get("before"), "the only member died with it");
        assertEquals(List.of("down " + address, "up " + address), heard);
      } finally {
        provider.close();
      }
    }
  }
}
