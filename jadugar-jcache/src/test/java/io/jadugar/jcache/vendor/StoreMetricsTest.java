package io.jadugar.jcache.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.store.memory.EntryWeigher;
import io.jadugar.jcache.testing.AllStores;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the stores count and tell for the metrics, on every store: round trips per operation (none
 * on the memory store, one per server a batch reaches on the others) and the memory behind a cache.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreMetricsTest {

  private static final String VALUE = "v".repeat(100);

  private AllStores stores;

  @BeforeAll
  void servers() throws Exception {
    stores = new AllStores("store-metrics");
  }

  @AfterAll
  void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  Stream<String> all() {
    return AllStores.NAMES.stream();
  }

  private JadugarCache<String, String> cache(String store, String name, boolean statistics) {
    CacheManager m = stores.manager(store);
    m.destroyCache(name);
    Cache<String, String> c = m.createCache(name, new JadugarConfiguration<String, String>()
        .setTypes(String.class, String.class).setStatisticsEnabled(statistics));
    return c.unwrap(JadugarCache.class);
  }

  private static boolean remote(String store) {
    return !store.startsWith("memory");
  }

  /** How many servers {@code store} spreads a cache's keys over. */
  private static int servers(String store) {
    return store.equals("redis-cluster") || store.equals("memcached-3") ? 3 : 1;
  }

  /** The round trips {@code op} made on {@code c}. */
  private static long trips(JadugarCache<String, String> c, Consumer<JadugarCache<String, String>> op) {
    long before = c.metrics().roundTrips();
    op.accept(c);
    return c.metrics().roundTrips() - before;
  }

  /** {@code n} keys, each in hash tag {@code {tag}} when {@code tag} is given (one Redis Cluster slot). */
  private static Set<String> keys(int n, String tag) {
    return IntStream.range(0, n).mapToObj(i -> (tag == null ? "" : "{" + tag + "}") + "key-" + i)
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void roundTripsOfAGetAPutAndBatches(String store) {
    JadugarCache<String, String> c = cache(store, "trips", false);
    c.put("warm", "v"); // a first use may load scripts (Redis) or read every server's generation (memcached)
    c.get("warm");
    c.getAll(keys(100, null));
    long one = remote(store) ? 1 : 0;
    assertEquals(one, trips(c, x -> x.put("k", VALUE)), "put");
    assertEquals(one, trips(c, x -> x.get("k")), "get hit");
    assertEquals(one, trips(c, x -> x.get("absent")), "get miss");
    assertEquals(one, trips(c, x -> x.containsKey("k")), "containsKey");
    // a batch on one server is one round trip: a Cluster's hash tag puts keys in one slot; one key is on one server
    Set<String> together = store.equals("redis-cluster") ? keys(20, "t") : servers(store) == 1 ? keys(20, null)
        : Set.of("k");
    assertEquals(one, trips(c, x -> x.getAll(together)), "getAll on one server");
    Map<String, String> batch = new HashMap<>();
    together.forEach(k -> batch.put(k, VALUE));
    assertEquals(one, trips(c, x -> x.putAll(batch)), "putAll on one server");
    // a batch of 100 keys lands on every server: one round trip each
    assertEquals(one * servers(store), trips(c, x -> x.getAll(keys(100, null))), "getAll on every server");
    Map<String, String> spread = new HashMap<>();
    keys(100, null).forEach(k -> spread.put(k, VALUE));
    assertEquals(one * servers(store), trips(c, x -> x.putAll(spread)), "putAll on every server");
    assertEquals(VALUE, c.get("key-99"));
    MetricsSnapshot m = c.metrics();
    assertEquals(0, m.errors().get("store"), m.toString());
    // counted whether or not statistics are enabled: this cache has them off
    assertEquals(0, m.latency().get("get").count());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("all")
  void memoryBehindACache(String store) {
    JadugarCache<String, String> c = cache(store, "memory", false);
    MetricsSnapshot empty = c.metrics();
    for (int i = 0; i < 10; i++) {
      c.put("key-" + i, VALUE + i);
    }
    MetricsSnapshot few = c.metrics();
    for (int i = 10; i < 1_000; i++) {
      c.put("key-" + i, VALUE + i);
    }
    MetricsSnapshot many = c.metrics();
    if (remote(store)) {
      // the servers' own figure, shared with everything else they hold: present and above what we wrote
      assertNull(many.estimatedBytes(), many.toString());
      assertNotNull(many.serverBytes(), many.toString());
      assertTrue(many.serverBytes() > 1_000 * VALUE.length(), many.toString());
    } else {
      assertNull(many.serverBytes(), many.toString());
      assertEquals(0L, empty.estimatedBytes(), empty.toString());
      assertTrue(few.estimatedBytes() > 0, few.toString());
      assertTrue(many.estimatedBytes() > few.estimatedBytes() * 50, few + " then " + many);
      // each entry: a 100-character value (about 140 bytes), a short key and the store's bookkeeping
      long perEntry = many.estimatedBytes() / 1_000;
      assertTrue(perEntry > 200 && perEntry < 1_000, perEntry + " bytes per entry: " + many);
      c.clear();
      assertEquals(0L, c.metrics().estimatedBytes());
    }
  }

  @Test
  void aWeigherGivesTheWeightedSize() {
    CacheManager m = stores.manager("memory");
    Cache<String, String> c = m.createCache("weighed", new JadugarConfiguration<String, String>()
        .setSetting("jadugar.memory.maximum-weight", "1000000")
        .setSetting("jadugar.memory.weigher", LengthWeigher.class.getName())
        .setTypes(String.class, String.class));
    for (int i = 0; i < 10; i++) {
      c.put("key-" + i, VALUE);
    }
    assertEquals(10L * VALUE.length(), c.unwrap(JadugarCache.class).metrics().estimatedBytes());
    m.destroyCache("weighed");
  }

  /** Weighs an entry by its value's length. */
  public static final class LengthWeigher implements EntryWeigher {
    @Override
    public int weigh(Object key, Object value) {
      return ((String) value).length();
    }
  }
}
