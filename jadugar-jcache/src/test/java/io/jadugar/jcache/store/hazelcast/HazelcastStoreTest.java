package io.jadugar.jcache.store.hazelcast;

import io.jadugar.jcache.testing.Ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.HealthStatus;
import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast store as a client of a real 2-member cluster (member JVMs with only Hazelcast's jar on
 * their class path): round trips, one map per cache, the bytes in it, iteration, clear, conditional
 * operations by {@code equals()}, and a cache manager whose JVM is itself a member.
 */
class HazelcastStoreTest {

  private static HazelcastCluster cluster;
  private JadugarCachingProvider provider;
  private CacheManager manager;

  @BeforeAll
  static void startCluster() throws Exception {
    // two ports for members of this JVM: one per test that embeds one (a member lingers 3 s after its manager)
    cluster = HazelcastCluster.launch(2, 2, 1);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void open() {
    provider = new JadugarCachingProvider();
    manager = provider.getCacheManager(URI.create("hazelcast://" + cluster.addresses()), getClass().getClassLoader(),
        props("jadugar.hazelcast.cluster-name", cluster.clusterName(), "jadugar.prefix", "t:"));
  }

  @AfterEach
  void close() {
    provider.close();
  }

  static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  /**
   * Shuts this JVM's members of the cluster down now (gracefully: their partitions move first), not
   * when their linger ends during the next test, where a write whose backup was on a leaving member
   * fails as indeterminate.
   */
  private static void shutDownMembersOfThisJvm() {
    for (HazelcastInstance h : com.hazelcast.core.Hazelcast.getAllHazelcastInstances()) {
      if (h.getConfig().getClusterName().equals(cluster.clusterName())) {
        h.shutdown();
      }
    }
  }

  private HazelcastInstance rawClient() {
    ClientConfig c = new ClientConfig();
    c.setClusterName(cluster.clusterName());
    c.getNetworkConfig().addAddress(cluster.addresses().split(","));
    c.setProperty("hazelcast.logging.type", "slf4j");
    return HazelcastClient.newHazelcastClient(c);
  }

  @Test
  void roundTripsThroughOneMapOfBytesPerCache() {
    Cache<String, Integer> cache = manager.createCache("numbers",
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
    Cache<String, Integer> other = manager.createCache("others",
        new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
    cache.put("a", 1);
    other.put("a", 100);
    assertEquals(1, cache.get("a"));
    assertTrue(cache.putIfAbsent("b", 2));
    assertFalse(cache.putIfAbsent("b", 3));
    assertEquals(2, cache.getAndPut("b", 4));
    assertTrue(cache.replace("b", 4, 5));
    assertEquals(Integer.valueOf(5), cache.<Integer>invoke("b", (e, a) -> {
      e.setValue(e.getValue() + 0);
      return e.getValue();
    }));
    Map<String, Integer> all = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      all.put("k" + i, i);
    }
    cache.putAll(all);
    Map<String, Integer> read = cache.getAll(all.keySet());
    assertEquals(all, read);
    Set<String> seen = new HashSet<>();
    for (Cache.Entry<String, Integer> e : cache) {
      seen.add(e.getKey());
    }
    assertEquals(52, seen.size());
    HazelcastInstance raw = rawClient();
    try {
      IMap<Object, Object> map = raw.getMap("jadugar:t:numbers");
      assertEquals(52, map.size());
      assertTrue(map.values().stream().allMatch(v -> v instanceof byte[]));
      assertEquals(1, raw.<Object, Object>getMap("jadugar:t:others").size());
    } finally {
      raw.shutdown();
    }
    cache.removeAll(Set.of("k1", "k2"));
    assertNull(cache.get("k1"));
    cache.clear();
    assertNull(cache.get("a"));
    assertFalse(cache.iterator().hasNext());
    assertEquals(100, other.get("a"));
  }

  /** A value whose {@code equals} is looser than its bytes: JCache's replace and remove follow {@code equals}. */
  public record Loose(String id, long seen) implements Serializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof Loose l && l.id.equals(id);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }
  }

  @Test
  void conditionalOperationsFollowEqualsNotBytes() {
    Cache<String, Loose> cache = manager.createCache("loose",
        new MutableConfiguration<String, Loose>().setTypes(String.class, Loose.class));
    cache.put("k", new Loose("x", 1));
    // equal by equals(), different bytes: replace must happen
    assertTrue(cache.replace("k", new Loose("x", 2), new Loose("y", 3)));
    assertEquals(new Loose("y", 0), cache.get("k"));
    assertEquals(3, cache.get("k").seen());
    assertFalse(cache.replace("k", new Loose("x", 3), new Loose("z", 4)));
    assertTrue(cache.remove("k", new Loose("y", 99)));
    assertNull(cache.get("k"));
  }

  @Test
  void aUsersOwnClientConfigurationFileIsUsed() throws Exception {
    java.nio.file.Path yaml = java.nio.file.Files.createTempFile("hazelcast-client-", ".yaml");
    try {
      java.nio.file.Files.writeString(yaml, "hazelcast-client:\n"
          + "  cluster-name: " + cluster.clusterName() + "\n"
          + "  instance-name: from-the-users-file\n"
          + "  network:\n"
          + "    cluster-members:\n"
          + java.util.Arrays.stream(cluster.addresses().split(",")).map(a -> "      - " + a + "\n")
              .collect(java.util.stream.Collectors.joining()));
      JadugarCachingProvider fromFile = new JadugarCachingProvider();
      try {
        CacheManager m = fromFile.getCacheManager(URI.create("jadugar:from-file"), getClass().getClassLoader(),
            props("jadugar.store", "hazelcast", "jadugar.hazelcast.config", yaml.toString(), "jadugar.prefix", "t:"));
        Cache<String, String> c = m.createCache("file",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        c.put("k", "v");
        assertEquals("v", manager.createCache("file",
            new MutableConfiguration<String, String>().setTypes(String.class, String.class)).get("k"));
        assertTrue(com.hazelcast.client.HazelcastClient.getHazelcastClientByName("from-the-users-file") != null,
            "the client was built from the user's file");
      } finally {
        fromFile.close();
      }
      RuntimeException bad = assertThrows(RuntimeException.class, () -> new JadugarCachingProvider().getCacheManager(
          URI.create("jadugar:bad-file"), getClass().getClassLoader(),
          props("jadugar.store", "hazelcast", "jadugar.hazelcast.config", yaml + ".missing")));
      assertTrue(bad.getMessage().contains("jadugar.hazelcast.config"), bad.getMessage());
    } finally {
      java.nio.file.Files.deleteIfExists(yaml);
    }
  }

  @Test
  void nothingReachableIsAnErrorNamingTheAddressesTriedWithinTheTimeout() throws Exception {
    String tried = "127.0.0.1:" + Ports.free() + ",127.0.0.1:" + Ports.free();
    JadugarCachingProvider nowhere = new JadugarCachingProvider();
    long start = System.nanoTime();
    try {
      RuntimeException e = assertThrows(RuntimeException.class, () -> nowhere.getCacheManager(
          URI.create("hazelcast://" + tried), getClass().getClassLoader(),
          props("jadugar.hazelcast.connect-timeout", "1s", "jadugar.hazelcast.cluster-name", "nobody")));
      long ms = (System.nanoTime() - start) / 1_000_000;
      String message = e.getMessage();
      System.out.println("after " + ms + " ms: " + message);
      for (String a : tried.split(",")) {
        assertTrue(message.contains(a), message);
      }
      assertTrue(message.contains("within 1000 ms"), message);
      assertTrue(ms < 4000, "gave up after " + ms + " ms with a timeout of 1 s");
    } finally {
      nowhere.close();
    }
  }

  @Test
  void anEmbeddedMemberJoinsTheClusterAndSeesTheSameData() throws InterruptedException {
    Cache<String, String> viaClient = manager.createCache("shared",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    viaClient.put("from", "client");
    JadugarCachingProvider memberProvider = new JadugarCachingProvider();
    try {
      CacheManager member = memberProvider.getCacheManager(URI.create("jadugar:member"), getClass().getClassLoader(),
          props("jadugar.store", "hazelcast", "jadugar.hazelcast.mode", "member",
              "jadugar.hazelcast.members", cluster.addresses() + ",127.0.0.1:" + cluster.embeddedPort(0),
              "jadugar.hazelcast.port",
              String.valueOf(cluster.embeddedPort(0)), "jadugar.hazelcast.cluster-name", cluster.clusterName(),
              "jadugar.prefix", "t:"));
      Cache<String, String> viaMember = member.createCache("shared",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      assertEquals("client", viaMember.get("from"));
      viaMember.put("from", "member");
      assertEquals("member", viaClient.get("from"));
      // a member that just joined owns no partition until the migration to it is done: DEGRADED till then
      HealthReport health = member.unwrap(JadugarManager.class).health();
      for (int i = 0; i < 100 && health.status() != HealthStatus.UP; i++) {
        Thread.sleep(100);
        health = member.unwrap(JadugarManager.class).health();
      }
      assertEquals(HealthStatus.UP, health.status(), health.toString());
      assertEquals(3, health.servers().size(), health.toString());
    } finally {
      memberProvider.close();
      shutDownMembersOfThisJvm();
    }
  }

  @Test
  void anEmbeddedMemberIsBuiltFromAUsersOwnMemberConfigurationFile() throws Exception {
    java.nio.file.Path yaml = java.nio.file.Files.createTempFile("hazelcast-", ".yaml");
    JadugarCachingProvider fromFile = new JadugarCachingProvider();
    try {
      // cluster name, port, join list and instance name only in the file: joining the fixture's
      // cluster under that name, on that port, proves the member was built from it
      java.nio.file.Files.writeString(yaml, "hazelcast:\n"
          + "  cluster-name: " + cluster.clusterName() + "\n"
          + "  instance-name: from-the-users-member-file\n"
          + "  properties:\n"
          + "    hazelcast.phone.home.enabled: false\n"
          + "  network:\n"
          + "    port: {auto-increment: false, port: " + cluster.embeddedPort(1) + "}\n"
          + "    interfaces: {enabled: true, interfaces: [127.0.0.1]}\n"
          + "    join:\n"
          + "      multicast: {enabled: false}\n"
          + "      auto-detection: {enabled: false}\n"
          + "      tcp-ip: {enabled: true, member-list: [" + cluster.addresses().replace(",", ", ") + "]}\n");
      CacheManager m = fromFile.getCacheManager(URI.create("jadugar:member-from-file"), getClass().getClassLoader(),
          props("jadugar.store", "hazelcast", "jadugar.hazelcast.mode", "member",
              "jadugar.hazelcast.config", yaml.toString(), "jadugar.prefix", "t:"));
      HazelcastInstance member = com.hazelcast.core.Hazelcast.getHazelcastInstanceByName("from-the-users-member-file");
      assertTrue(member != null, "the member was built from the user's file");
      assertEquals(cluster.clusterName(), member.getConfig().getClusterName());
      assertEquals(3, member.getCluster().getMembers().size(), member.getCluster().getMembers().toString());
      assertEquals(cluster.embeddedPort(1), member.getCluster().getLocalMember().getSocketAddress().getPort());
      Cache<String, String> viaMember = m.createCache("member-file",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      viaMember.put("k", "from the member");
      assertEquals("from the member", manager.createCache("member-file",
          new MutableConfiguration<String, String>().setTypes(String.class, String.class)).get("k"));
    } finally {
      fromFile.close();
      shutDownMembersOfThisJvm();
      java.nio.file.Files.deleteIfExists(yaml);
    }
  }

  /**
   * A putAll and a removeAll of another cache manager (another engine, the same cluster) must not
   * touch a key while a compute holds its lock: they change it only after the compute committed.
   */
  @Test
  void batchesWaitForAKeyThatAComputeHolds() throws Exception {
    MutableConfiguration<String, String> strings = new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class);
    Cache<String, String> cache = manager.createCache("held", strings);
    JadugarCachingProvider otherProvider = new JadugarCachingProvider();
    java.util.concurrent.ExecutorService batches = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      Cache<String, String> other = otherProvider.getCacheManager(URI.create("hazelcast://" + cluster.addresses()),
          getClass().getClassLoader(), props("jadugar.hazelcast.cluster-name", cluster.clusterName(), "jadugar.prefix", "t:"))
          .createCache("held", strings);
      for (String op : new String[] {"putAll", "removeAll"}) {
        cache.put("k", "old");
        java.util.concurrent.CountDownLatch computing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread compute = new Thread(() -> cache.invoke("k", (e, a) -> {
          computing.countDown();
          try {
            release.await();
          } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
          }
          e.setValue("computed");
          return null;
        }));
        compute.start();
        assertTrue(computing.await(10, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.Future<?> batch = batches.submit(() -> {
          if (op.equals("putAll")) {
            other.putAll(Map.of("k", "batch", "free", "batch"));
          } else {
            other.removeAll(Set.of("k", "free"));
          }
        });
        Thread.sleep(700);
        assertEquals("old", cache.get("k"), op + " changed a key that a compute held");
        assertFalse(batch.isDone(), op + " returned while a compute held one of its keys");
        release.countDown();
        compute.join(10_000);
        batch.get(10, java.util.concurrent.TimeUnit.SECONDS);
        // the batch came after the compute's commit, not before it
        assertEquals(op.equals("putAll") ? "batch" : null, cache.get("k"), op);
      }
    } finally {
      batches.shutdownNow();
      otherProvider.close();
    }
  }

  /** A batch by an entry processor of ours would need Jadugar's classes on every member: these have none. */
  @Test
  void membersWithoutJadugarsClassesCannotRunAnEntryProcessorOfOurs() {
    HazelcastInstance raw = rawClient();
    try {
      IMap<Object, Object> m = raw.getMap("jadugar:t:processor");
      RuntimeException e = assertThrows(RuntimeException.class,
          () -> m.executeOnKeys(Set.of("k"), new HazelcastBatchOptionsTest.SetWithTtl("v", 1000)));
      StringBuilder chain = new StringBuilder();
      for (Throwable t = e; t != null; t = t.getCause()) {
        chain.append(t).append(" / ");
      }
      assertTrue(chain.toString().contains("ClassNotFoundException")
          && chain.toString().contains(HazelcastBatchOptionsTest.SetWithTtl.class.getName()), chain.toString());
      assertFalse(m.containsKey("k"));
    } finally {
      raw.shutdown();
    }
  }
}
