package io.jadugar.jcache.testing;

import io.jadugar.jcache.JadugarCachingProvider;
import io.jadugar.jcache.codec.FrameCodec;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.store.hazelcast.HazelcastCluster;
import io.jadugar.jcache.store.memcached.MemcachedServer;
import io.jadugar.jcache.store.memory.BytesMemoryStoreFactory;
import io.jadugar.jcache.store.redis.RedisServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One cache manager on each kind of store, on real servers it starts on loopback ports: the memory
 * store (objects), the memory store holding frames as a remote store does, Redis, a 3-master Redis
 * Cluster, memcached with one server and with three, a client of a 1-member Hazelcast cluster. For tests that must hold on every store.
 */
public final class AllStores implements AutoCloseable {

  /** The names of the stores, in the order tests run them. */
  public static final List<String> NAMES =
      List.of("memory", "memory-bytes", "redis", "redis-cluster", "memcached", "memcached-3", "hazelcast");

  private final RedisServer redis;
  private final RedisServer.Cluster cluster;
  private final List<MemcachedServer> memcached = new ArrayList<>();
  private final HazelcastCluster hazelcast;
  private final Map<String, CacheManager> managers = new LinkedHashMap<>();
  private final Map<String, URI> uris = new LinkedHashMap<>();
  private final Map<String, Properties> properties = new LinkedHashMap<>();
  private final JadugarCachingProvider provider = new JadugarCachingProvider();

  /** Starts the servers and opens a manager on each store, named after {@code name}. */
  public AllStores(String name) throws Exception {
    redis = RedisServer.launch();
    cluster = RedisServer.Cluster.launch();
    for (int i = 0; i < 3; i++) {
      memcached.add(MemcachedServer.launch());
    }
    // one member JVM is enough for what these tests check; the Hazelcast tests use three
    hazelcast = HazelcastCluster.launch(1);
    open("memory", URI.create("test:" + name), new Properties());
    open("memory-bytes", URI.create("test:" + name + "-bytes"), props("jadugar.store", BytesMemoryStoreFactory.NAME));
    open("redis", URI.create(redis.address() + "/" + name), new Properties());
    open("redis-cluster", URI.create("jadugar:" + name + "-cluster"),
        props("jadugar.store", "redis", "jadugar.redis.cluster.nodes", cluster.addresses()));
    open("memcached", URI.create("memcached://" + memcached.get(0).hostPort() + "/" + name), new Properties());
    open("memcached-3", URI.create("memcached://"
        + memcached.stream().map(MemcachedServer::hostPort).collect(Collectors.joining(",")) + "/" + name + "3"),
        // its first server is the one-server manager's too: a prefix of its own, or the two share entries
        props("jadugar.prefix", "three:"));
    open("hazelcast", URI.create("hazelcast://" + hazelcast.addresses() + "/" + name),
        props("jadugar.hazelcast.cluster-name", hazelcast.clusterName()));
  }

  private void open(String store, URI uri, Properties properties) {
    uris.put(store, uri);
    this.properties.put(store, properties);
    managers.put(store, provider.getCacheManager(uri, getClass().getClassLoader(), properties));
  }

  /**
   * The URI of {@code store}'s manager: with {@link #properties}, what another JVM passes to
   * {@code getCacheManager} to reach the same servers (not the memory stores, which live in this JVM).
   */
  public URI uri(String store) {
    return uris.get(store);
  }

  /** The properties of {@code store}'s manager (a copy). */
  public Properties properties(String store) {
    Properties p = new Properties();
    p.putAll(properties.get(store));
    return p;
  }

  /** The manager on {@code store}, one of {@link #NAMES}. */
  public CacheManager manager(String store) {
    return managers.get(store);
  }

  /** Whether {@code store} holds bytes, as a remote store does (then damaged bytes can be planted). */
  public static boolean holdsBytes(String store) {
    return !store.equals("memory");
  }

  /** Writes {@code bytes} under the String key {@code key} of {@code cache}, as its store holds values. */
  public static void plant(Cache<String, ?> cache, String key, byte[] bytes) {
    cache.unwrap(Store.class).put(new StoreEntry(storeKey(key), bytes, StoreEntry.ETERNAL));
  }

  /** The key {@code key} as a bytes store holds it. */
  public static Object storeKey(String key) {
    return new FrameCodec(null, null, 0, id -> null, Object.class, null, 0).encodeKey(key);
  }

  private static Properties props(String... kv) {
    Properties p = new Properties();
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Override
  public void close() {
    managers.values().forEach(CacheManager::close);
    memcached.forEach(MemcachedServer::close);
    cluster.close();
    redis.close();
    hazelcast.close();
  }

  /** The names of the stores, for {@code @MethodSource("io.jadugar.jcache.testing.AllStores#names")}. */
  public static Stream<String> names() {
    return NAMES.stream();
  }

  /**
   * The stores of one test class, started before its first test and stopped after its last:
   * {@code @RegisterExtension static final AllStores.PerClass stores = AllStores.perClass("name");}.
   */
  public static PerClass perClass(String name) {
    return new PerClass(name);
  }

  /** {@link AllStores} as a JUnit extension of a test class (register it on a static field). */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private AllStores stores;

    private PerClass(String name) {
      this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
      stores = new AllStores(name);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (stores != null) {
        stores.close();
        stores = null;
      }
    }

    /** The started stores. */
    public AllStores get() {
      if (stores == null) {
        throw new IllegalStateException("the stores of " + name + " are not started: register the extension on a static field");
      }
      return stores;
    }

    /** {@link AllStores#manager}. */
    public CacheManager manager(String store) {
      return get().manager(store);
    }

    /** {@link AllStores#uri}. */
    public URI uri(String store) {
      return get().uri(store);
    }

    /** {@link AllStores#properties}. */
    public Properties properties(String store) {
      return get().properties(store);
    }
  }
}
