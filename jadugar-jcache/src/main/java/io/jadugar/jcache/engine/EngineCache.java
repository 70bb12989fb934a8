package io.jadugar.jcache.engine;

import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.VendorEventListener;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import io.jadugar.jcache.copy.EntryCodec;
import io.jadugar.jcache.engine.completion.Completion;
import io.jadugar.jcache.engine.completion.StoreEvents;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Expiries;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.engine.core.Reports;
import io.jadugar.jcache.engine.loading.Loading;
import io.jadugar.jcache.engine.operation.BatchWrites;
import io.jadugar.jcache.engine.operation.Reads;
import io.jadugar.jcache.engine.operation.WriterCalls;
import io.jadugar.jcache.engine.operation.Writes;
import io.jadugar.jcache.engine.vendor.VendorOperations;
import io.jadugar.jcache.event.EventDispatcher;
import io.jadugar.jcache.expiry.ExpiryCalculator;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.management.CacheConfigurationBean;
import io.jadugar.jcache.management.CacheMetricsBean;
import io.jadugar.jcache.management.CacheStatistics;
import io.jadugar.jcache.management.MBeans;
import io.jadugar.jcache.processor.ProcessorResult;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreListener;
import io.jadugar.jcache.spi.StoreLookup;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.EventType;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSR-107 {@link Cache} over any {@link Store}, and its vendor API. This class checks arguments
 * and the cache's state and runs the lifecycle; the operations live in the engine's packages:
 * {@code operation} (reads, writes, batches, writer calls), {@code loading} (read-through,
 * loadAll), {@code completion} (what follows a commit), {@code vendor}, over {@code core}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EngineCache<K, V> implements JadugarCache<K, V>, StoreListener {

  private static final Logger LOG = LoggerFactory.getLogger(EngineCache.class);

  private final CacheManager manager;
  private final String name;
  private final MutableConfiguration<K, V> configuration;
  private final Runnable onClose;
  private final Class<?> keyType;
  private final Class<?> valueType;
  private final ObjectName statisticsName;
  private final ObjectName configurationName;
  private final ObjectName metricsName;
  private final CacheCore<K, V> core;
  private final StoreEvents<K, V> storeEvents;
  private final Loading<K, V> loading;
  private final Reads<K, V> reads;
  private final Writes<K, V> writes;
  private final BatchWrites<K, V> batches;
  private final VendorOperations<K, V> vendor;
  private final Presence<K, V> presence;
  /** Orders listener registrations with what the store is told of them. */
  private final Object listenerLock = new Object();
  private volatile boolean closed;

  /**
   * A cache named {@code name} of {@code manager}, over the store that {@code storeOpener} opens
   * with this cache as its listener and whether entries can expire at all. {@code onClose} runs
   * once when the cache closes.
   */
  public EngineCache(CacheManager manager, String name, MutableConfiguration<K, V> configuration,
      BiFunction<StoreListener, Boolean, Store> storeOpener, EntryCodec codec, Executor executor,
      Runnable onClose) {
    this.manager = manager;
    this.name = name;
    this.configuration = configuration;
    this.onClose = onClose;
    this.keyType = configuration.getKeyType();
    this.valueType = configuration.getValueType();
    Clock clock = configuration instanceof JadugarConfiguration
        ? ((JadugarConfiguration<K, V>) configuration).getClock() : Clock.systemUTC();
    ExpiryCalculator expiry = new ExpiryCalculator(configuration.getExpiryPolicyFactory().create());
    Class<?> policyClass = expiry.policy().getClass();
    boolean eternal = policyClass == EternalExpiryPolicy.class;
    boolean accessExpiry = !eternal && policyClass != CreatedExpiryPolicy.class
        && policyClass != ModifiedExpiryPolicy.class;
    CacheLoader<K, V> loader = configuration.getCacheLoaderFactory() == null ? null
        : configuration.getCacheLoaderFactory().create();
    @SuppressWarnings("unchecked")
    CacheWriter<K, V> writer = configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null
        ? (CacheWriter<K, V>) configuration.getCacheWriterFactory().create() : null;
    EventDispatcher<K, V> events = new EventDispatcher<>(this, executor);
    for (CacheEntryListenerConfiguration<K, V> l : configuration.getCacheEntryListenerConfigurations()) {
      events.register(l);
    }
    this.statisticsName = MBeans.name(MBeans.Kind.CacheStatistics, manager.getURI(), name);
    this.configurationName = MBeans.name(MBeans.Kind.CacheConfiguration, manager.getURI(), name);
    this.metricsName = MBeans.name(MBeans.Kind.CacheMetrics, manager.getURI(), name);
    Store store = storeOpener.apply(this, !eternal);
    this.core = new CacheCore<>(name, store, codec, clock, expiry, eternal, accessExpiry, loader, writer,
        configuration.isReadThrough() && loader != null, events, new CacheStatistics(), executor);
    Reports reports = new Reports(core);
    Presence<K, V> presence = new Presence<>(core, reports);
    this.presence = presence;
    Expiries expiries = new Expiries(core);
    Completion<K, V> completion = new Completion<>(core, presence, reports);
    this.storeEvents = new StoreEvents<>(core, presence, reports);
    this.loading = new Loading<>(core, presence, completion);
    this.reads = new Reads<>(core, presence, expiries, completion, loading);
    WriterCalls<K, V> writerCalls = new WriterCalls<>(core);
    this.writes = new Writes<>(core, presence, expiries, completion, writerCalls, loading);
    this.batches = new BatchWrites<>(core, presence, expiries, completion, reports, writerCalls);
    this.vendor = new VendorOperations<>(core, presence, expiries, completion, reports, manager);
    store.listenersChanged(events.hasListeners());
    setStatisticsEnabled(configuration.isStatisticsEnabled());
    setManagementEnabled(configuration.isManagementEnabled());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    requireOpen();
    return reads.get(Objects.requireNonNull(key, "key"));
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    return reads.getAll(Objects.requireNonNull(keys, "keys"));
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    return reads.containsKey(Objects.requireNonNull(key, "key"));
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues,
      CompletionListener completionListener) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      Objects.requireNonNull(key, "a key in keys");
    }
    loading.loadAll(keys, replaceExistingValues, completionListener);
  }

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    return reads.iterator(this::requireOpen, this::remove);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    put(key, value, EntryOptions.NONE);
  }

  @Override
  public V getAndPut(K key, V value) {
    return getAndPut(key, value, EntryOptions.NONE);
  }

  @Override
  public void put(K key, V value, EntryOptions options) {
    requireOpen();
    checkTypes(key, value);
    writes.put(key, value, false, Objects.requireNonNull(options, "options"));
  }

  @Override
  public V getAndPut(K key, V value, EntryOptions options) {
    requireOpen();
    checkTypes(key, value);
    return writes.put(key, value, true, Objects.requireNonNull(options, "options"));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    putAll(map, EntryOptions.NONE);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map, EntryOptions options) {
    requireOpen();
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(map, "map");
    // parallel arrays of keys and values, not maps: a batch is mostly this bookkeeping
    Object[] keys = new Object[map.size()];
    Object[] values = new Object[keys.length];
    int n = 0;
    for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
      checkTypes(e.getKey(), e.getValue());
      if (n == keys.length) { // a concurrent map that grew while we read it
        keys = Arrays.copyOf(keys, n * 2 + 1);
        values = Arrays.copyOf(values, keys.length);
      }
      keys[n] = e.getKey();
      values[n++] = e.getValue();
    }
    batches.putAll(keys, values, n, options);
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    return putIfAbsent(key, value, EntryOptions.NONE);
  }

  @Override
  public boolean putIfAbsent(K key, V value, EntryOptions options) {
    requireOpen();
    checkTypes(key, value);
    return writes.putIfAbsent(key, value, Objects.requireNonNull(options, "options"));
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    return writes.remove(Objects.requireNonNull(key, "key"), false) != null;
  }

  @Override
  public V getAndRemove(K key) {
    requireOpen();
    return writes.remove(Objects.requireNonNull(key, "key"), true);
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    return writes.remove(key, Objects.requireNonNull(oldValue, "oldValue"));
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    return replace(key, oldValue, newValue, EntryOptions.NONE);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue, EntryOptions options) {
    requireOpen();
    Objects.requireNonNull(oldValue, "oldValue");
    checkTypes(key, newValue);
    return writes.replace(key, oldValue, newValue, false, Objects.requireNonNull(options, "options")) != null;
  }

  @Override
  public boolean replace(K key, V value) {
    return replace(key, value, EntryOptions.NONE);
  }

  @Override
  public boolean replace(K key, V value, EntryOptions options) {
    requireOpen();
    checkTypes(key, value);
    return writes.replace(key, null, value, false, Objects.requireNonNull(options, "options")) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    return getAndReplace(key, value, EntryOptions.NONE);
  }

  @Override
  public V getAndReplace(K key, V value, EntryOptions options) {
    requireOpen();
    checkTypes(key, value);
    return writes.replace(key, null, value, true, Objects.requireNonNull(options, "options"));
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      Objects.requireNonNull(key, "a key in keys");
    }
    batches.removeAll(keys);
  }

  @Override
  public void removeAll() {
    requireOpen();
    batches.removeAll();
  }

  @Override
  public void clear() {
    requireOpen();
    core.store.clear();
  }

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    return writes.invoke(key, Objects.requireNonNull(entryProcessor, "entryProcessor"), arguments);
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    for (K key : keys) {
      Objects.requireNonNull(key, "a key in keys");
      try {
        T result = invoke(key, entryProcessor, arguments);
        if (result != null) {
          results.put(key, ProcessorResult.of(result));
        }
      } catch (Exception e) {
        results.put(key, ProcessorResult.failed(e));
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- vendor API

  @Override
  public EntryInfo<K, V> getEntry(K key) {
    requireOpen();
    return vendor.getEntry(Objects.requireNonNull(key, "key"));
  }

  @Override
  public void addValidityCheck(ValidityCheck check) {
    vendor.addValidityCheck(Objects.requireNonNull(check, "check"), along(check));
  }

  /**
   * The lookup of {@code check} in this cache's store terms, or {@code null} when it declares none,
   * its cache is not one of this provider's, or that cache's keys are not bytes (the memory store of
   * objects, where a read of it costs no round trip to save).
   */
  private Presence.Along along(ValidityCheck check) {
    ValidityCheck.Lookup lookup = check.lookup();
    if (lookup == null || !(lookup.cache() instanceof EngineCache<?, ?> other) || other.isClosed()) {
      return null;
    }
    byte[] prefix = other.core.codec.stringKeyPrefix();
    if (prefix == null) {
      return null;
    }
    StoreLookup storeLookup = new StoreLookup(lookup.listName(), other.core.store, prefix);
    Presence<?, ?> records = other.presence;
    EntryCodec codec = other.core.codec;
    return new Presence.Along(check, storeLookup, records::presentValue, codec::encodeKey,
        core.store.readsAlong(storeLookup));
  }

  @Override
  public void removeValidityCheck(ValidityCheck check) {
    vendor.removeValidityCheck(check);
  }

  @Override
  public HealthReport health(Duration timeout) {
    requireOpen();
    return vendor.health(Objects.requireNonNull(timeout, "timeout"));
  }

  @Override
  public void addVendorListener(VendorEventListener listener) {
    vendor.addListener(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void removeVendorListener(VendorEventListener listener) {
    vendor.removeListener(listener);
  }

  @Override
  public MetricsSnapshot metrics(Duration timeout) {
    return vendor.metrics(Objects.requireNonNull(timeout, "timeout"));
  }

  @Override
  public void flush() {
    requireOpen();
    if (core.writer instanceof Flushable) {
      try {
        ((Flushable) core.writer).flush();
      } catch (IOException | RuntimeException e) {
        throw new javax.cache.integration.CacheWriterException("Flushing the writer of cache '" + name + "' failed: " + e, e);
      }
    }
  }

  // ---------------------------------------------------------------- listeners and lifecycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    synchronized (listenerLock) {
      if (!core.events.register(listenerConfiguration)) {
        throw new IllegalArgumentException("This listener configuration is already registered");
      }
      try {
        core.store.listenersChanged(true);
      } catch (RuntimeException e) {
        core.events.deregister(listenerConfiguration);
        throw e;
      }
    }
    configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    synchronized (listenerLock) {
      core.events.deregister(listenerConfiguration);
      core.store.listenersChanged(core.events.hasListeners());
    }
    configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    if (clazz.isInstance(configuration)) {
      return clazz.cast(configuration);
    }
    throw new IllegalArgumentException("The configuration of cache " + name + " is a "
        + configuration.getClass().getName() + ", not a " + clazz.getName());
  }

  /** The live configuration of this cache. */
  public CompleteConfiguration<K, V> configuration() {
    return configuration;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    if (clazz.isInstance(core.store)) {
      return clazz.cast(core.store);
    }
    throw new IllegalArgumentException("Cannot unwrap cache " + name + " to " + clazz.getName());
  }

  /** Turns the statistics bean on or off. */
  public void setStatisticsEnabled(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    core.counting(enabled);
    if (enabled) {
      MBeans.register(core.statistics, statisticsName);
      MBeans.register(new CacheMetricsBean(name, core.statistics, core.store), metricsName);
    } else {
      MBeans.unregister(statisticsName);
      MBeans.unregister(metricsName);
    }
  }

  /** Turns the configuration bean on or off. */
  public void setManagementEnabled(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      MBeans.register(new CacheConfigurationBean(configuration), configurationName);
    } else {
      MBeans.unregister(configurationName);
    }
  }

  /** This cache's statistics; counted only while statistics are enabled. */
  public CacheStatistics statistics() {
    return core.statistics;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    loading.quiesce();
    try {
      vendor.forgetStoreStates();
      onClose.run();
      MBeans.unregister(statisticsName);
      MBeans.unregister(configurationName);
      MBeans.unregister(metricsName);
      core.events.close();
      closeQuietly(core.loader);
      closeQuietly(core.writer);
      closeQuietly(core.expiry.policy());
    } finally {
      core.store.close();
    }
  }

  private static void closeQuietly(Object o) {
    if (o instanceof Closeable) {
      try {
        ((Closeable) o).close();
      } catch (Exception e) {
        LOG.warn("Failed to close {}", o, e);
      }
    }
  }

  // ---------------------------------------------------------------- store events

  @Override
  public void expired(StoreEntry entry) {
    storeEvents.expired(entry);
  }

  @Override
  public void changedElsewhere(EventType type, Object storeKey, Object value, Object oldValue) {
    storeEvents.changedElsewhere(type, storeKey, value, oldValue);
  }

  @Override
  public void evicted(StoreEntry entry) {
    storeEvents.evicted(entry);
  }

  // ---------------------------------------------------------------- checks

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cache " + name + " is closed");
    }
  }

  private void checkTypes(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Key " + key + " is not a " + keyType.getName());
    }
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Value " + value + " is not a " + valueType.getName());
    }
  }
}
