package io.jadugar.jcache;

import io.jadugar.jcache.configuration.CoreSettings;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.codec.Codecs;
import io.jadugar.jcache.engine.EngineCache;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.HealthStatus;
import io.jadugar.jcache.health.ServerHealth;
import io.jadugar.jcache.spi.StoreClient;
import io.jadugar.jcache.spi.StoreFactory;
import io.jadugar.jcache.spi.StoreOptions;
import io.jadugar.jcache.spi.StoreStateListener;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.spi.CachingProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jadugar's {@link CacheManager}: owns its caches, one shared client per store kind, and the
 * threads that run asynchronous listeners and {@code loadAll}. Its vendor API,
 * {@link JadugarManager}, is reached by {@code unwrap(JadugarManager.class)}.
 */
public final class JadugarCacheManager implements CacheManager, JadugarManager {

  private static final Logger LOG = LoggerFactory.getLogger(JadugarCacheManager.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final JadugarCachingProvider provider;
  private final URI uri;
  private final ClassLoader classLoader;
  private final Properties properties;
  private final Settings settings;
  private final Map<String, EngineCache<?, ?>> caches = new ConcurrentHashMap<>();
  private final Map<String, StoreClient> clients = new ConcurrentHashMap<>();
  /** Store state listeners, also given to the clients of store kinds connected later. */
  private final List<StoreStateListener> stateListeners = new CopyOnWriteArrayList<>();
  private final ExecutorService executor;
  private volatile boolean closed;

  JadugarCacheManager(JadugarCachingProvider provider, URI uri, ClassLoader classLoader,
      Properties properties, Settings settings) {
    this.provider = provider;
    this.uri = uri;
    this.classLoader = classLoader;
    this.properties = properties;
    this.settings = settings;
    // connect the default store now, so that a cache manager whose store is unreachable fails
    // when it is created, with the store's own error, not at its first cache
    StoreFactory factory = provider.storeFactory(settings.get(CoreSettings.STORE));
    clients.put(factory.name(), factory.connect(uri, settings));
    this.executor = Executors.newCachedThreadPool(task -> {
      Thread t = new Thread(task, "jadugar-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The validated settings of this cache manager. */
  public Settings settings() {
    return settings;
  }

  @Override
  public CachingProvider getCachingProvider() {
    return provider;
  }

  @Override
  public URI getURI() {
    return uri;
  }

  @Override
  public ClassLoader getClassLoader() {
    return classLoader;
  }

  @Override
  public Properties getProperties() {
    return properties;
  }

  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(configuration, "configuration");
    MutableConfiguration<K, V> copy = copyOf(configuration);
    Settings cacheSettings = copy instanceof JadugarConfiguration
        ? settings.with(((JadugarConfiguration<K, V>) copy).getSettings()) : settings;
    applyDefaultTtl(copy, cacheSettings);
    StoreFactory factory = provider.storeFactory(cacheSettings.get(CoreSettings.STORE));
    if (!copy.isStoreByValue() && factory.representation() != StoreFactory.Representation.OBJECTS) {
      throw new UnsupportedOperationException("Cache " + cacheName + ": store '" + factory.name()
          + "' keeps values serialized, so store-by-reference is not available; use store-by-value"
          + " (the default) or the memory store");
    }
    synchronized (caches) {
      if (caches.containsKey(cacheName)) {
        throw new CacheException("A cache named " + cacheName + " already exists");
      }
      StoreClient client = clients.computeIfAbsent(factory.name(), n -> connectWithListeners(factory));
      EngineCache<K, V> cache = new EngineCache<>(this, cacheName, copy,
          (listener, expire) -> client.open(new StoreOptions(cacheName, cacheSettings, listener, classLoader, expire)),
          Codecs.forCache(factory.representation(), copy.isStoreByValue(), cacheSettings, classLoader,
              copy.getKeyType(), copy.getValueType()),
          executor, () -> caches.remove(cacheName));
      caches.put(cacheName, cache);
      return cache;
    }
  }

  private StoreClient connectWithListeners(StoreFactory factory) {
    StoreClient client = factory.connect(uri, settings);
    for (StoreStateListener l : stateListeners) {
      client.addStateListener(l);
    }
    return client;
  }

  private static <K, V> MutableConfiguration<K, V> copyOf(Configuration<K, V> configuration) {
    if (configuration instanceof JadugarConfiguration) {
      return new JadugarConfiguration<>((JadugarConfiguration<K, V>) configuration);
    }
    if (configuration instanceof CompleteConfiguration) {
      return new MutableConfiguration<>((CompleteConfiguration<K, V>) configuration);
    }
    MutableConfiguration<K, V> copy = new MutableConfiguration<>();
    copy.setTypes(configuration.getKeyType(), configuration.getValueType());
    copy.setStoreByValue(configuration.isStoreByValue());
    return copy;
  }

  /** A default time to live replaces the default eternal policy, never one the user chose. */
  private static void applyDefaultTtl(MutableConfiguration<?, ?> configuration, Settings settings) {
    Duration ttl = settings.get(CoreSettings.DEFAULT_TTL);
    if (ttl == null || ttl.equals(Setting.ETERNAL)
        || !(configuration.getExpiryPolicyFactory().create() instanceof EternalExpiryPolicy)) {
      return;
    }
    configuration.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
        new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.MILLISECONDS, ttl.toMillis())));
  }

  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    Objects.requireNonNull(keyType, "keyType");
    Objects.requireNonNull(valueType, "valueType");
    EngineCache<?, ?> cache = caches.get(cacheName);
    if (cache == null) {
      return null;
    }
    CompleteConfiguration<?, ?> c = cache.configuration();
    if (!c.getKeyType().equals(keyType)) {
      throw new ClassCastException("Cache " + cacheName + " has key type "
          + c.getKeyType().getName() + ", not " + keyType.getName());
    }
    if (!c.getValueType().equals(valueType)) {
      throw new ClassCastException("Cache " + cacheName + " has value type "
          + c.getValueType().getName() + ", not " + valueType.getName());
    }
    @SuppressWarnings("unchecked")
    Cache<K, V> typed = (Cache<K, V>) cache;
    return typed;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <K, V> Cache<K, V> getCache(String cacheName) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    return (Cache<K, V>) caches.get(cacheName);
  }

  @Override
  public Iterable<String> getCacheNames() {
    requireOpen();
    return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
  }

  @Override
  public void destroyCache(String cacheName) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    EngineCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.clear();
      cache.close();
    }
  }

  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    EngineCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setManagementEnabled(enabled);
    }
  }

  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    requireOpen();
    Objects.requireNonNull(cacheName, "cacheName");
    EngineCache<?, ?> cache = caches.get(cacheName);
    if (cache != null) {
      cache.setStatisticsEnabled(enabled);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    provider.release(this);
    for (EngineCache<?, ?> cache : new ArrayList<>(caches.values())) {
      try {
        cache.close();
      } catch (RuntimeException e) {
        LOG.warn("Failed to close cache {}", cache.getName(), e);
      }
    }
    for (StoreClient client : clients.values()) {
      try {
        client.close();
      } catch (RuntimeException e) {
        LOG.warn("Failed to close a store client of {}", uri, e);
      }
    }
    clients.clear();
    executor.shutdown();
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("Cannot unwrap the cache manager to " + clazz.getName());
  }

  // ---------------------------------------------------------------- JadugarManager

  @Override
  public HealthReport health(Duration timeout) {
    requireOpen();
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("A health check needs a positive timeout, not " + timeout);
    }
    Map<String, StoreClient> now = new LinkedHashMap<>(clients);
    if (now.size() == 1) {
      Map.Entry<String, StoreClient> only = now.entrySet().iterator().next();
      return named(only.getKey(), only.getValue().health(timeout));
    }
    // several kinds: ask them side by side, so that the whole check still takes about one timeout
    Map<String, CompletableFuture<HealthReport>> asked = new LinkedHashMap<>();
    now.forEach((name, client) -> asked.put(name,
        CompletableFuture.supplyAsync(() -> named(name, client.health(timeout)), executor)));
    Instant checkedAt = Instant.now();
    List<ServerHealth> servers = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>();
    HealthStatus worst = HealthStatus.UP;
    boolean anyUp = false;
    for (Map.Entry<String, CompletableFuture<HealthReport>> e : asked.entrySet()) {
      HealthReport r = e.getValue().join();
      servers.addAll(r.servers());
      details.put(e.getKey(), r);
      worst = worst.worst(r.status());
      anyUp |= r.status() != HealthStatus.DOWN;
    }
    // one kind down while another serves is a manager that half works
    HealthStatus status = worst == HealthStatus.DOWN && anyUp ? HealthStatus.DEGRADED : worst;
    return new HealthReport(status, String.join("+", asked.keySet()), servers, details, checkedAt);
  }

  /** The report of the client of store kind {@code name}, named so even if the client's own default did not. */
  private static HealthReport named(String name, HealthReport r) {
    return name.equals(r.store()) ? r
        : new HealthReport(r.status(), name, r.servers(), r.details(), r.checkedAt());
  }

  @Override
  public void flush() {
    requireOpen();
    for (EngineCache<?, ?> cache : new ArrayList<>(caches.values())) {
      if (!cache.isClosed()) {
        cache.flush();
      }
    }
  }

  @Override
  public void connect() {
    requireOpen();
    for (Map.Entry<String, StoreClient> e : clients.entrySet()) {
      e.getValue().connect();
    }
  }

  @Override
  public void disconnect() {
    requireOpen();
    for (Map.Entry<String, StoreClient> e : clients.entrySet()) {
      try {
        e.getValue().disconnect();
      } catch (RuntimeException ex) {
        LOG.warn("Failed to disconnect the {} store of {}", e.getKey(), uri, ex);
      }
    }
  }

  @Override
  public boolean isConnected() {
    if (closed) {
      return false;
    }
    for (StoreClient client : clients.values()) {
      if (!client.isConnected()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void addStoreStateListener(StoreStateListener listener) {
    Objects.requireNonNull(listener, "listener");
    stateListeners.add(listener);
    for (StoreClient client : clients.values()) {
      client.addStateListener(listener);
    }
  }

  @Override
  public void removeStoreStateListener(StoreStateListener listener) {
    stateListeners.remove(listener);
    for (StoreClient client : clients.values()) {
      client.removeStateListener(listener);
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cache manager " + uri + " is closed");
    }
  }
}
