package io.jadugar.jcache.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.spi.BinaryKey;
import io.jadugar.jcache.store.memory.EntryWeigher;
import io.jadugar.jcache.testing.AllStores;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheWriter;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the stores count and tell for the metrics, on every store: round trips per operation (none
 * on the memory store, one per server a batch reaches on the others), the memory behind a cache, and
 * the metrics bean over JMX.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreMetricsTest {

  private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
  private static final String VALUE = "v".repeat(100);

  @RegisterExtension
  static final AllStores.PerClass stores = AllStores.perClass("store-metrics");

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

  /**
   * The round trips of a getAll of {@code keys} on {@code store}: on Hazelcast one per partition the
   * keys fall in (its client sends one request per partition), elsewhere one per server they reach
   * ({@code onServers}).
   */
  private static long getAllTrips(String store, Set<String> keys, long onServers) {
    if (!store.equals("hazelcast")) {
      return onServers;
    }
    // this JVM's client of the test cluster: it places a key as the store's own client does
    com.hazelcast.partition.PartitionService partitions = com.hazelcast.client.HazelcastClient
        .getAllHazelcastClients().stream().filter(h -> h.getLifecycleService().isRunning()).findFirst()
        .orElseThrow().getPartitionService();
    return keys.stream().map(k -> partitions.getPartition(((BinaryKey) AllStores.storeKey(k)).bytes())
        .getPartitionId()).distinct().count();
  }

  /** The round trips of a putAll of {@code keys}: Hazelcast sends one {@code set} per key; elsewhere {@code onServers}. */
  private static long putAllTrips(String store, Set<String> keys, long onServers) {
    return store.equals("hazelcast") ? keys.size() : onServers;
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
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
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
    assertEquals(getAllTrips(store, together, one), trips(c, x -> x.getAll(together)), "getAll on one server");
    Map<String, String> batch = new HashMap<>();
    together.forEach(k -> batch.put(k, VALUE));
    assertEquals(putAllTrips(store, together, one), trips(c, x -> x.putAll(batch)), "putAll on one server");
    // a batch of 100 keys lands on every server: one round trip each
    assertEquals(getAllTrips(store, keys(100, null), one * servers(store)), trips(c, x -> x.getAll(keys(100, null))),
        "getAll on every server");
    Map<String, String> spread = new HashMap<>();
    keys(100, null).forEach(k -> spread.put(k, VALUE));
    assertEquals(putAllTrips(store, spread.keySet(), one * servers(store)), trips(c, x -> x.putAll(spread)),
        "putAll on every server");
    assertEquals(VALUE, c.get("key-99"));
    if (store.equals("hazelcast")) {
      // a conditional write runs the compute under the key's lock: lock, get, set, unlock
      assertEquals(4, trips(c, x -> x.replace("k", VALUE, VALUE + "2")), "replace");
      // one removeAsync per key, as putAll sends one set per key
      assertEquals(2, trips(c, x -> x.removeAll(Set.of("key-1", "key-2"))), "removeAll");
    }
    MetricsSnapshot m = c.metrics();
    assertEquals(0, m.errors().get("store"), m.toString());
    // counted whether or not statistics are enabled: this cache has them off
    assertEquals(0, m.latency().get("get").count());
  }

  /** A writer that takes every change and keeps nothing. */
  public static final class TakingWriter implements CacheWriter<String, String> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {}

    @Override
    public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      entries.clear();
    }

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(java.util.Collection<?> keys) {
      keys.clear();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void roundTripsOfAPutWithAWriter(String store) {
    CacheManager m = stores.manager(store);
    m.destroyCache("trips-writer");
    JadugarCache<String, String> c = m.createCache("trips-writer", new JadugarConfiguration<String, String>()
        .setTypes(String.class, String.class).setWriteThrough(true)
        .setCacheWriterFactory(FactoryBuilder.factoryOf(TakingWriter.class))).unwrap(JadugarCache.class);
    c.put("warm", "v");
    c.put("k", VALUE);
    long put = trips(c, x -> x.put("k", VALUE + "2"));
    long getAndPut = trips(c, x -> x.getAndPut("k", VALUE + "3"));
    if (!remote(store)) {
      assertEquals(0, put);
    } else if (store.equals("hazelcast")) {
      // its compute runs once under IMap.lock: lock, get, set, unlock, whatever the operation
      assertEquals(4, put, "put");
    } else {
      // the key's writer lock (taken and released: the release is not awaited), then a blind write:
      // no read of the entry the put replaces, unlike getAndPut, which reads it and writes by
      // compare-and-set (memcached: a release is a gets and a delete with its CAS token)
      long release = store.startsWith("memcached") ? 2 : 1;
      assertEquals(1 + 1 + release, put, "put");
      assertEquals(1 + 2 + release, getAndPut, "getAndPut");
    }
    assertEquals(VALUE + "3", c.get("k"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
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
    if (store.equals("hazelcast")) {
      // Hazelcast tells a map's memory only per member (IMap.getLocalMapStats()): a client cannot read it,
      // a member only its own share, and a cluster-wide figure needs Management Center or code run on
      // every member (members must not need Jadugar's classes): absent, not a made-up number
      assertNull(many.estimatedBytes(), many.toString());
      assertNull(many.serverBytes(), many.toString());
    } else if (remote(store)) {
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

  private static final List<String> ATTRIBUTES = List.of("GetCount", "GetMeanMicros", "GetP50Micros",
      "GetP99Micros", "GetMaxMicros", "PutCount", "PutMeanMicros", "PutP50Micros", "PutP99Micros", "PutMaxMicros",
      "RemoveCount", "RemoveMeanMicros", "RemoveP50Micros", "RemoveP99Micros", "RemoveMaxMicros", "Hits", "Misses",
      "Puts", "Removals", "Evictions", "CorruptEntries", "StoreErrors", "WriterErrors", "LoaderErrors",
      "ProcessorErrors", "RoundTrips", "EstimatedBytes", "ServerBytes");

  /** The metrics bean of the cache named {@code cache}, wherever its manager is, or null. */
  private static ObjectName bean(String cache) throws Exception {
    Set<ObjectName> found = JMX.queryNames(new ObjectName("io.jadugar:type=CacheMetrics,Cache=" + cache + ",*"), null);
    assertTrue(found.size() <= 1, found.toString());
    return found.isEmpty() ? null : found.iterator().next();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.jadugar.jcache.testing.AllStores#names")
  void theMetricsBeanFollowsTheStatisticsAndGoesWithTheCache(String store) throws Exception {
    String name = "jmx-" + store;
    JadugarCache<String, String> c = cache(store, name, false);
    assertNull(bean(name), "no bean while statistics are off");
    CacheManager m = c.getCacheManager();
    m.enableStatistics(name, true);
    ObjectName on = bean(name);
    assertNotNull(on, "registered with the statistics");
    // named like the JSR-107 statistics bean beside it, in Jadugar's own domain
    assertEquals(Set.of("type", "CacheManager", "Cache"), on.getKeyPropertyList().keySet());
    ObjectName statistics = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
        + on.getKeyProperty("CacheManager") + ",Cache=" + name);
    assertTrue(JMX.isRegistered(statistics), statistics + " beside " + on);
    Set<String> attributes = new HashSet<>();
    for (MBeanAttributeInfo a : JMX.getMBeanInfo(on).getAttributes()) {
      attributes.add(a.getName());
      assertTrue(a.isReadable() && !a.isWritable(), a.getName());
    }
    assertEquals(new HashSet<>(ATTRIBUTES), attributes);

    c.put("k", VALUE);
    c.get("k");
    c.get("absent");
    c.remove("k");
    assertEquals(2L, JMX.getAttribute(on, "GetCount"));
    assertEquals(1L, JMX.getAttribute(on, "PutCount"));
    assertEquals(1L, JMX.getAttribute(on, "RemoveCount"));
    assertEquals(1L, JMX.getAttribute(on, "Hits"));
    assertEquals(1L, JMX.getAttribute(on, "Misses"));
    double mean = (Double) JMX.getAttribute(on, "GetMeanMicros");
    double p99 = (Double) JMX.getAttribute(on, "GetP99Micros");
    double max = (Double) JMX.getAttribute(on, "GetMaxMicros");
    assertTrue(mean > 0 && p99 <= max && max > 0, mean + " " + p99 + " " + max);
    assertEquals(c.metrics().roundTrips(), JMX.getAttribute(on, "RoundTrips"));
    assertEquals(0L, JMX.getAttribute(on, "StoreErrors"));
    long estimated = (Long) JMX.getAttribute(on, "EstimatedBytes");
    long server = (Long) JMX.getAttribute(on, "ServerBytes");
    if (remote(store)) {
      assertTrue((Long) JMX.getAttribute(on, "RoundTrips") >= 4);
      assertEquals(-1L, estimated);
      if (store.equals("hazelcast")) {
        assertEquals(-1L, server, "Hazelcast has no cluster-wide memory figure for a client (see memoryBehindACache)");
      } else {
        assertTrue(server > 0, "ServerBytes " + server);
      }
    } else {
      assertEquals(0L, JMX.getAttribute(on, "RoundTrips"));
      assertEquals(-1L, server);
      assertTrue(estimated >= 0, "EstimatedBytes " + estimated);
    }

    m.enableStatistics(name, false);
    assertNull(bean(name), "gone with the statistics");
    m.enableStatistics(name, true);
    assertNotNull(bean(name));
    c.close();
    assertNull(bean(name), "gone with the cache");
    assertFalse(JMX.isRegistered(on));
  }
}
