package io.jadugar.jcache.engine;

import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.VendorEvent;
import io.jadugar.jcache.VendorEventListener;
import io.jadugar.jcache.codec.CorruptEntryException;
import io.jadugar.jcache.copy.EntryCodec;
import io.jadugar.jcache.event.EventDispatcher;
import io.jadugar.jcache.expiry.ExpiryCalculator;
import io.jadugar.jcache.management.CacheConfigurationBean;
import io.jadugar.jcache.management.CacheStatistics;
import io.jadugar.jcache.management.MBeans;
import io.jadugar.jcache.processor.ProcessorEntry;
import io.jadugar.jcache.processor.ProcessorResult;
import io.jadugar.jcache.spi.EntryMetadata;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreListener;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.cache.Cache;
import javax.cache.CacheException;
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
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSR-107 {@link Cache} over any {@link Store}: the one place where the spec's semantics live.
 *
 * <p>Every operation that reads and then writes one entry runs inside {@link Store#compute}, so it
 * is atomic on every store. Inside, the function decides from the current entry and records what
 * happened in an {@link Outcome}; events and statistics follow once the store has committed, so a
 * store that retries the function on a conflict never reports an operation twice.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EngineCache<K, V> implements JadugarCache<K, V>, StoreListener {

  private static final Logger LOG = LoggerFactory.getLogger(EngineCache.class);

  private final CacheManager manager;
  private final String name;
  private final MutableConfiguration<K, V> configuration;
  private final Store store;
  private final EntryCodec codec;
  private final Executor executor;
  /** Held for reading by each running loadAll, for writing by close(). */
  private final ReentrantReadWriteLock loads = new ReentrantReadWriteLock();
  /** How long close() waits for running loads before it closes the loader anyway. */
  private static final long CLOSE_WAIT_SECONDS = 10;
  private final Runnable onClose;
  /** Every expiry decision reads this clock, so that a test can move time instead of sleeping. */
  private final java.time.Clock clock;
  /** Whether the store's compute runs its function once: then the writer needs no key lock. */
  private final boolean computesOnce;
  private final ExpiryCalculator expiry;
  /** Whether the policy is the standard eternal one: then no entry ever expires. */
  private final boolean eternal;
  /** Whether the policy can change an entry's expiry on access: the constant policies cannot. */
  private final boolean accessExpiry;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<K, V> writer;
  private final boolean readThrough;
  private final Class<?> keyType;
  private final Class<?> valueType;
  private final EventDispatcher<K, V> events;
  private final CacheStatistics statistics = new CacheStatistics();
  private final ObjectName statisticsName;
  private final ObjectName configurationName;
  private final ObjectName metricsName;
  private volatile boolean statisticsEnabled;
  private volatile boolean closed;
  /** The validity checks, consulted on every read of an entry with metadata; copied on change. */
  private volatile ValidityCheck[] checks = new ValidityCheck[0];
  private final List<VendorEventListener> vendorListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Orders listener registrations with what the store is told of them. */
  private final Object listenerLock = new Object();

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
    this.codec = codec;
    this.executor = executor;
    this.onClose = onClose;
    this.clock = configuration instanceof io.jadugar.jcache.configuration.JadugarConfiguration
        ? ((io.jadugar.jcache.configuration.JadugarConfiguration<K, V>) configuration).getClock()
        : java.time.Clock.systemUTC();
    this.keyType = configuration.getKeyType();
    this.valueType = configuration.getValueType();
    this.expiry = new ExpiryCalculator(configuration.getExpiryPolicyFactory().create());
    Object policy = expiry.policy();
    Class<?> policyClass = policy.getClass();
    this.eternal = policyClass == EternalExpiryPolicy.class;
    this.accessExpiry = !eternal && policyClass != CreatedExpiryPolicy.class
        && policyClass != ModifiedExpiryPolicy.class;
    this.loader = configuration.getCacheLoaderFactory() == null ? null
        : configuration.getCacheLoaderFactory().create();
    @SuppressWarnings("unchecked")
    CacheWriter<K, V> w = configuration.isWriteThrough() && configuration.getCacheWriterFactory() != null
        ? (CacheWriter<K, V>) configuration.getCacheWriterFactory().create() : null;
    this.writer = w;
    this.readThrough = configuration.isReadThrough() && loader != null;
    this.events = new EventDispatcher<>(this, executor);
    for (CacheEntryListenerConfiguration<K, V> l : configuration.getCacheEntryListenerConfigurations()) {
      events.register(l);
    }
    this.statisticsName = MBeans.name(MBeans.Kind.CacheStatistics, manager.getURI(), name);
    this.configurationName = MBeans.name(MBeans.Kind.CacheConfiguration, manager.getURI(), name);
    this.metricsName = MBeans.name(MBeans.Kind.CacheMetrics, manager.getURI(), name);
    this.store = storeOpener.apply(this, !eternal);
    this.computesOnce = store.computesOnce();
    store.listenersChanged(events.hasListeners());
    setStatisticsEnabled(configuration.isStatisticsEnabled());
    setManagementEnabled(configuration.isManagementEnabled());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Object storeKey = codec.encodeKey(key);
    StoreEntry entry = store.get(storeKey);
    V value = present(key, entry, true);
    if (value != null) {
      touch(entry);
      if (statisticsEnabled) {
        statistics.hits(1);
      }
    } else {
      if (statisticsEnabled) {
        statistics.misses(1);
      }
      value = readThrough ? loadAndStore(key) : null;
    }
    if (statisticsEnabled) {
      statistics.getTime(System.nanoTime() - start);
    }
    return value;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    // two arrays, not a map from store key to key: a batch read is mostly this bookkeeping
    Object[] userKeys = keys.toArray();
    Object[] storeKeys = new Object[userKeys.length];
    for (int i = 0; i < userKeys.length; i++) {
      storeKeys[i] = codec.encodeKey(Objects.requireNonNull(userKeys[i], "a key in keys"));
    }
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    // entries by position: no map from store key back to entry on this side (a profile of getAll
    // of 100 showed two hash maps of 100 entries per call where one is the answer)
    StoreEntry[] found = store.getEach(storeKeys);
    Map<K, V> result = new HashMap<>((int) (userKeys.length / 0.75f) + 1);
    List<K> missing = readThrough ? new ArrayList<>() : null;
    int misses = 0;
    for (int i = 0; i < userKeys.length; i++) {
      K key = typedKey(userKeys[i]);
      StoreEntry entry = found[i];
      V value = present(key, entry, true);
      if (value == null) {
        misses++;
        if (missing != null) {
          missing.add(key);
        }
      } else {
        touch(entry);
        result.put(key, value);
      }
    }
    if (statisticsEnabled) {
      statistics.hits(result.size());
      statistics.misses(misses);
    }
    if (missing != null && !missing.isEmpty()) {
      Map<K, V> loaded = loadAll(missing);
      loaded.forEach((key, value) -> {
        if (key != null && value != null) {
          storeLoaded(key, value, false);
          result.put(key, value);
        }
      });
    }
    if (statisticsEnabled) {
      statistics.getTime(System.nanoTime() - start);
    }
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    // present only if get would return it: a damaged entry is a (counted, dropped) miss here too;
    // an expired one is left for the reads that report it, as containsKey is no access
    return isPresent(key, store.get(codec.encodeKey(key)), false);
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues,
      CompletionListener completionListener) {
    requireOpen();
    Objects.requireNonNull(keys, "keys");
    for (K key : keys) {
      Objects.requireNonNull(key, "a key in keys");
    }
    if (loader == null) {
      if (completionListener != null) {
        completionListener.onCompletion();
      }
      return;
    }
    List<K> requested = new ArrayList<>(keys);
    executor.execute(() -> {
      // close() waits for a running load before it closes the loader, and a load that starts
      // after close() does not touch the loader at all
      if (!loads.readLock().tryLock()) {
        failClosed(completionListener);
        return;
      }
      try {
        if (closed) {
          failClosed(completionListener);
          return;
        }
        List<K> toLoad = new ArrayList<>();
        for (K key : requested) {
          if (replaceExistingValues || !containsKey(key)) {
            toLoad.add(key);
          }
        }
        if (!toLoad.isEmpty()) {
          Map<K, V> loaded = loadAll(toLoad);
          loaded.forEach((key, value) -> {
            if (key != null && value != null) {
              storeLoaded(key, value, replaceExistingValues);
            }
          });
        }
        if (completionListener != null) {
          completionListener.onCompletion();
        }
      } catch (Exception e) {
        if (completionListener != null) {
          completionListener.onException(e);
        } else {
          LOG.warn("loadAll of cache {} failed", name, e);
        }
      } finally {
        loads.readLock().unlock();
      }
    });
  }

  private void failClosed(CompletionListener completionListener) {
    if (completionListener != null) {
      completionListener.onException(new IllegalStateException("Cache " + name + " is closed"));
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    put(key, value, false, EntryOptions.NONE);
  }

  @Override
  public V getAndPut(K key, V value) {
    return put(key, value, true, EntryOptions.NONE);
  }

  @Override
  public void put(K key, V value, EntryOptions options) {
    put(key, value, false, Objects.requireNonNull(options, "options"));
  }

  @Override
  public V getAndPut(K key, V value, EntryOptions options) {
    return put(key, value, true, Objects.requireNonNull(options, "options"));
  }

  private V put(K key, V value, boolean returnOld, EntryOptions options) {
    requireOpen();
    checkTypes(key, value);
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Object storeKey = codec.encodeKey(key);
    Object storeValue = encodeValue(value, options);
    if (!returnOld && (eternal || options.ttl() != null) && writer == null && !events.hasListeners()) {
      // nothing needs the entry this put replaces: a plain write, one round trip on a remote store
      store.put(new StoreEntry(storeKey, storeValue, options.ttl() == null ? StoreEntry.ETERNAL
          : ownExpiry(clock.millis(), options)));
      if (statisticsEnabled) {
        countPut(start);
      }
      return null;
    }
    Outcome o = new Outcome();
    computeWriting(o, storeKey, current -> {
      long now = begin(o, current);
      write(o, key, value);
      StoreEntry live = o.live;
      long expireAt = writeExpiry(options, now, live);
      if (live == null && expireAt <= now) {
        return null;
      }
      return writes(o, value, new StoreEntry(storeKey, storeValue, expireAt));
    });
    complete(key, o, returnOld, true, start);
    return returnOld && o.live != null ? liveValue(o) : null;
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
    // parallel arrays of keys, values and store keys, not maps: a batch is mostly this bookkeeping
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
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    CacheWriterException writeFailure = null;
    if (writer != null) {
      List<Cache.Entry<? extends K, ? extends V>> entries = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        entries.add(new CacheEntry<>(typedKey(keys[i]), typedValue(values[i])));
      }
      try {
        writer.writeAll(entries);
      } catch (Exception e) {
        writeFailure = writerException(e);
        // what the writer left in the collection was not written: keep it out of the cache too
        Set<Object> notWritten = new HashSet<>();
        for (Cache.Entry<? extends K, ? extends V> left : entries) {
          notWritten.add(left.getKey());
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
          if (!notWritten.contains(keys[i])) {
            keys[kept] = keys[i];
            values[kept++] = values[i];
          }
        }
        n = kept;
      }
    }
    Object[] storeKeys = new Object[n];
    for (int i = 0; i < n; i++) {
      storeKeys[i] = codec.encodeKey(keys[i]);
    }
    // the current entries matter only for events and for an expiry policy that tells creation
    // from update; without either, a remote store writes the batch in one round trip
    boolean needsCurrent = events.hasListeners(EventType.CREATED) || events.hasListeners(EventType.UPDATED)
        || events.hasListeners(EventType.EXPIRED) || (!eternal && options.ttl() == null);
    Map<Object, StoreEntry> existing = needsCurrent && n > 0 ? store.getAll(Arrays.asList(storeKeys)) : Map.of();
    long now = clock.millis();
    List<StoreEntry> writes = new ArrayList<>(n);
    // what each key held, sorted as every other operation sorts it, and whether it was written
    Outcome[] found = existing.isEmpty() ? null : new Outcome[n];
    boolean[] written = new boolean[n];
    List<Object> dropped = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StoreEntry current = existing.get(storeKeys[i]);
      StoreEntry live = null;
      if (current != null) {
        found[i] = new Outcome();
        begin(found[i], current);
        live = found[i].live;
      }
      long expireAt = writeExpiry(options, now, live);
      if (live == null && expireAt <= now) {
        if (current != null) {
          dropped.add(storeKeys[i]); // expired or corrupt, and nothing replaces it
        }
        continue;
      }
      written[i] = true;
      writes.add(new StoreEntry(storeKeys[i], encodeValue(values[i], options), expireAt));
    }
    store.putAll(writes);
    if (!dropped.isEmpty()) {
      store.removeAll(dropped);
    }
    if (statisticsEnabled && !writes.isEmpty()) {
      statistics.puts(writes.size());
      statistics.putTime(System.nanoTime() - start);
    }
    for (int i = 0; i < n; i++) {
      Outcome o = found == null ? null : found[i];
      K key = typedKey(keys[i]);
      if (!written[i]) {
        if (o != null && o.corrupt != null) {
          corrupt(key, new CorruptEntryException("dropped by putAll"));
        }
        continue;
      }
      if (o != null) {
        publishExpired(key, o);
      }
      if (o == null || o.live == null) {
        events.publish(EventType.CREATED, key, typedValue(values[i]), null);
      } else if (events.hasListeners(EventType.UPDATED)) {
        events.publish(EventType.UPDATED, key, typedValue(values[i]), liveValue(o));
      }
    }
    if (writeFailure != null) {
      throw writeFailure;
    }
  }

  @SuppressWarnings("unchecked")
  private K typedKey(Object key) {
    return (K) key;
  }

  @SuppressWarnings("unchecked")
  private V typedValue(Object value) {
    return (V) value;
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    return putIfAbsent(key, value, EntryOptions.NONE);
  }

  @Override
  public boolean putIfAbsent(K key, V value, EntryOptions options) {
    requireOpen();
    checkTypes(key, value);
    Objects.requireNonNull(options, "options");
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Object storeKey = codec.encodeKey(key);
    Object storeValue = encodeValue(value, options);
    Outcome o = new Outcome();
    computeWriting(o, storeKey, current -> {
      long now = begin(o, current);
      if (o.live != null) {
        return current;
      }
      write(o, key, value);
      long expireAt = writeExpiry(options, now, null);
      if (expireAt <= now) {
        return null;
      }
      return writes(o, value, new StoreEntry(storeKey, storeValue, expireAt));
    });
    complete(key, o, true, true, start);
    // an entry that would expire at once is not stored, so nothing was put (as the RI says)
    return o.change == Change.CREATED;
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Outcome o = removeEntry(key);
    complete(key, o, false, false, start);
    return o.live != null;
  }

  @Override
  public V getAndRemove(K key) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Outcome o = removeEntry(key);
    complete(key, o, true, false, start);
    return o.live == null ? null : liveValue(o);
  }

  private Outcome removeEntry(K key) {
    Outcome o = new Outcome();
    computeWriting(o, codec.encodeKey(key), current -> {
      begin(o, current);
      delete(o, key);
      return removes(o);
    });
    return o;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(oldValue, "oldValue");
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Outcome o = new Outcome();
    computeWriting(o, codec.encodeKey(key), current -> {
      long now = begin(o, current);
      StoreEntry live = o.live;
      if (live == null) {
        return null;
      }
      if (!oldValue.equals(liveValue(o))) {
        return accessed(live, now);
      }
      delete(o, key);
      return removes(o);
    });
    complete(key, o, true, false, start);
    return o.change == Change.REMOVED;
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    Objects.requireNonNull(oldValue, "oldValue");
    checkTypes(key, newValue);
    return replace(key, oldValue, newValue, false) != null;
  }

  @Override
  public boolean replace(K key, V value) {
    requireOpen();
    checkTypes(key, value);
    return replace(key, null, value, false) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    requireOpen();
    checkTypes(key, value);
    return replace(key, null, value, true);
  }

  /**
   * Replaces the value of a live entry, only if it equals {@code expected} when that is given.
   * Returns the old value when {@code returnOld}, otherwise non-null exactly when it replaced.
   */
  @SuppressWarnings("unchecked")
  private V replace(K key, V expected, V value, boolean returnOld) {
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Object storeKey = codec.encodeKey(key);
    Object storeValue = codec.encodeValue(value);
    Outcome o = new Outcome();
    computeWriting(o, storeKey, current -> {
      long now = begin(o, current);
      StoreEntry live = o.live;
      if (live == null) {
        return null;
      }
      if (expected != null && !expected.equals(liveValue(o))) {
        return accessed(live, now);
      }
      write(o, key, value);
      return writes(o, value, new StoreEntry(storeKey, storeValue, expiry.onUpdate(now, live.expireAt())));
    });
    complete(key, o, true, true, start);
    boolean replaced = o.change == Change.UPDATED;
    if (returnOld) {
      return replaced ? liveValue(o) : null;
    }
    return replaced ? (V) Boolean.TRUE : null;
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    Map<Object, K> byStoreKey = encodeKeys(keys);
    removeAll(byStoreKey);
  }

  @Override
  public void removeAll() {
    requireOpen();
    if (writer == null && !events.hasListeners() && !statisticsEnabled) {
      // nobody is told of each removal, so it is a clear: no listing of the whole store (on
      // memcached, a walk of every server's items)
      store.clear();
      return;
    }
    Map<Object, K> byStoreKey = new LinkedHashMap<>();
    Iterator<StoreEntry> it = store.iterator();
    List<Object> undecodable = new ArrayList<>();
    while (it.hasNext()) {
      StoreEntry entry = it.next();
      K key = keyOf(entry);
      if (key == null) {
        undecodable.add(entry.key()); // no writer can be told of it, but it goes all the same
      } else {
        byStoreKey.put(entry.key(), key);
      }
    }
    if (!undecodable.isEmpty()) {
      store.removeAll(undecodable);
    }
    removeAll(byStoreKey);
  }

  private void removeAll(Map<Object, K> byStoreKey) {
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    CacheWriterException writeFailure = null;
    if (writer != null && !byStoreKey.isEmpty()) {
      Set<K> toDelete = new HashSet<>(byStoreKey.values());
      try {
        writer.deleteAll(toDelete);
      } catch (Exception e) {
        writeFailure = writerException(e);
        // what the writer left in the collection was not deleted: keep it in the cache too
        byStoreKey.values().removeAll(toDelete);
      }
    }
    Map<Object, StoreEntry> removed = store.removeAll(byStoreKey.keySet());
    int live = 0;
    if (statisticsEnabled || events.hasListeners()) {
      // a removal of what was present: an expired entry is reported as such, a corrupt one counted
      Outcome o = new Outcome();
      for (Map.Entry<Object, StoreEntry> r : removed.entrySet()) {
        K key = byStoreKey.get(r.getKey());
        begin(o, r.getValue());
        publishExpired(key, o);
        publishRemoval(key, o);
        if (o.live != null) {
          live++;
        }
      }
    }
    if (statisticsEnabled && live > 0) {
      statistics.removals(live);
      statistics.removeTime(System.nanoTime() - start);
    }
    if (writeFailure != null) {
      throw writeFailure;
    }
  }

  @Override
  public void clear() {
    requireOpen();
    store.clear();
  }

  // ---------------------------------------------------------------- entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(entryProcessor, "entryProcessor");
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    Object storeKey = codec.encodeKey(key);
    Outcome o = new Outcome();
    Function<K, V> load = readThrough ? this::load : null;
    computeWriting(o, storeKey, current -> {
      long now = begin(o, current);
      StoreEntry live = o.live;
      ProcessorEntry<K, V> entry = new ProcessorEntry<>(key, live == null ? null : liveValue(o), load);
      o.processed = entry;
      try {
        o.result = entryProcessor.process(entry, arguments);
      } catch (CacheException e) {
        if (!(e instanceof CacheLoaderException)) { // a loader failure inside the processor is counted as one
          statistics.processorError();
        }
        throw e;
      } catch (Exception | LinkageError | AssertionError e) {
        statistics.processorError();
        throw new EntryProcessorException(e);
      }
      switch (entry.operation()) {
        case ACCESS:
          return accessed(live, now);
        case CREATE:
        case LOAD: {
          if (entry.operation() == ProcessorEntry.Operation.CREATE) {
            write(o, key, entry.value());
          }
          long expireAt = expiry.onCreation(now);
          if (expireAt <= now) {
            return null;
          }
          return writes(o, entry.value(), new StoreEntry(storeKey, codec.encodeValue(entry.value()), expireAt));
        }
        case UPDATE:
          write(o, key, entry.value());
          return writes(o, entry.value(), new StoreEntry(storeKey, codec.encodeValue(entry.value()),
              expiry.onUpdate(now, live.expireAt())));
        case REMOVE:
          delete(o, key);
          return removes(o);
        case NONE:
        default:
          return live == null ? null : current;
      }
    });
    // a value the processor loaded is stored, not put: no put counted
    complete(key, o, true, o.processed.operation() != ProcessorEntry.Operation.LOAD, start);
    @SuppressWarnings("unchecked")
    T result = (T) o.result;
    return result;
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
    Objects.requireNonNull(key, "key");
    long start = statisticsEnabled ? System.nanoTime() : 0L;
    StoreEntry entry = store.get(codec.encodeKey(key));
    V value = present(key, entry, true);
    EntryInfo<K, V> info = null;
    if (value != null) {
      touch(entry);
      EntryMetadata metadata = codec.metadataOf(entry.value()); // it decoded just now: no surprise here
      info = new EntryInfo<>(key, value,
          entry.expireAt() == StoreEntry.ETERNAL ? null : java.time.Instant.ofEpochMilli(entry.expireAt()),
          metadata == null ? null : java.time.Instant.ofEpochMilli(metadata.writtenAt()),
          metadata == null ? Map.of() : metadata.values());
    }
    if (statisticsEnabled) {
      count(info != null);
      statistics.getTime(System.nanoTime() - start);
    }
    return info;
  }

  @Override
  public synchronized void addValidityCheck(ValidityCheck check) {
    Objects.requireNonNull(check, "check");
    ValidityCheck[] c = Arrays.copyOf(checks, checks.length + 1);
    c[c.length - 1] = check;
    checks = c;
  }

  @Override
  public synchronized void removeValidityCheck(ValidityCheck check) {
    List<ValidityCheck> c = new ArrayList<>(Arrays.asList(checks));
    c.remove(check);
    checks = c.toArray(new ValidityCheck[0]);
  }

  @Override
  public io.jadugar.jcache.health.HealthReport health(java.time.Duration timeout) {
    requireOpen();
    return store.health(Objects.requireNonNull(timeout, "timeout"));
  }

  @Override
  public synchronized void addVendorListener(VendorEventListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (vendorListeners.isEmpty() && manager instanceof io.jadugar.jcache.JadugarManager) {
      ((io.jadugar.jcache.JadugarManager) manager).addStoreStateListener(storeStates);
    }
    vendorListeners.add(listener);
  }

  @Override
  public synchronized void removeVendorListener(VendorEventListener listener) {
    vendorListeners.remove(listener);
    if (vendorListeners.isEmpty()) {
      forgetStoreStates();
    }
  }

  private void forgetStoreStates() {
    if (manager instanceof io.jadugar.jcache.JadugarManager) {
      ((io.jadugar.jcache.JadugarManager) manager).removeStoreStateListener(storeStates);
    }
  }

  /** Passes the cache manager's store connections going down and up to the vendor listeners. */
  private final io.jadugar.jcache.spi.StoreStateListener storeStates = new io.jadugar.jcache.spi.StoreStateListener() {
    @Override
    public void down(String address, Throwable cause) {
      vendorEvent(VendorEvent.Type.STORE_DOWN, null, address + (cause == null ? "" : ": " + cause.getMessage()));
    }

    @Override
    public void up(String address) {
      vendorEvent(VendorEvent.Type.STORE_UP, null, address);
    }
  };

  @Override
  public io.jadugar.jcache.MetricsSnapshot metrics(java.time.Duration timeout) {
    return statistics.snapshot(name, store.traffic(), store.memory(Objects.requireNonNull(timeout, "timeout")));
  }

  @Override
  public void flush() {
    requireOpen();
    // nothing in the core is asynchronous yet: write-back fills this in
  }

  /** Tells the vendor listeners of {@code type}, on the cache's executor: never the caller's time or failure. */
  private void vendorEvent(VendorEvent.Type type, Object key, String detail) {
    if (vendorListeners.isEmpty()) {
      return;
    }
    VendorEvent event = new VendorEvent(type, name, key, detail, java.time.Instant.now());
    for (VendorEventListener l : vendorListeners) {
      try {
        executor.execute(() -> {
          try {
            l.onEvent(event);
          } catch (RuntimeException e) {
            LOG.warn("A vendor event listener of cache {} failed on {}", name, event, e);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        LOG.debug("Cache {}: no thread left to tell of {}", name, event);
      }
    }
  }

  // ---------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    return new EntryIterator(store.iterator());
  }

  /** Iterates live entries, treating each as accessed, and removes through the cache. */
  private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
    private final Iterator<StoreEntry> entries;
    private Cache.Entry<K, V> next;
    private K lastKey;

    EntryIterator(Iterator<StoreEntry> entries) {
      this.entries = entries;
    }

    @Override
    public boolean hasNext() {
      requireOpen();
      long now = clock.millis();
      while (next == null && entries.hasNext()) {
        StoreEntry e = entries.next();
        K key = expired(e, now) ? null : keyOf(e);
        V value = key == null ? null : present(key, e, false);
        if (value != null) {
          long start = statisticsEnabled ? System.nanoTime() : 0L;
          touch(e);
          next = new CacheEntry<>(key, value);
          if (statisticsEnabled) {
            statistics.hits(1);
            statistics.getTime(System.nanoTime() - start);
          }
        }
      }
      return next != null;
    }

    @Override
    public Cache.Entry<K, V> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Cache.Entry<K, V> e = next;
      next = null;
      lastKey = e.getKey();
      return e;
    }

    @Override
    public void remove() {
      requireOpen();
      if (lastKey == null) {
        throw new IllegalStateException("next() has not been called, or remove() already was");
      }
      EngineCache.this.remove(lastKey);
      lastKey = null;
    }
  }

  // ---------------------------------------------------------------- listeners and lifecycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    Objects.requireNonNull(listenerConfiguration, "listenerConfiguration");
    synchronized (listenerLock) {
      if (!events.register(listenerConfiguration)) {
        throw new IllegalArgumentException("This listener configuration is already registered");
      }
      try {
        store.listenersChanged(true);
      } catch (RuntimeException e) {
        events.deregister(listenerConfiguration);
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
      events.deregister(listenerConfiguration);
      store.listenersChanged(events.hasListeners());
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
    if (clazz.isInstance(store)) {
      return clazz.cast(store);
    }
    throw new IllegalArgumentException("Cannot unwrap cache " + name + " to " + clazz.getName());
  }

  /** Turns the statistics bean on or off. */
  public void setStatisticsEnabled(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    statisticsEnabled = enabled;
    if (enabled) {
      MBeans.register(statistics, statisticsName);
      MBeans.register(new io.jadugar.jcache.management.CacheMetricsBean(name, statistics, store), metricsName);
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
    return statistics;
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
    // a completion listener that closes the cache runs inside its own load: it cannot wait for it
    boolean quiet = loads.getReadHoldCount() > 0;
    try {
      quiet = quiet || loads.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!quiet) {
      LOG.warn("Cache {}: closing while a loadAll is still running after {} s", name, CLOSE_WAIT_SECONDS);
    }
    try {
      forgetStoreStates();
      onClose.run();
      MBeans.unregister(statisticsName);
      MBeans.unregister(configurationName);
      MBeans.unregister(metricsName);
      events.close();
      closeQuietly(loader);
      closeQuietly(writer);
      closeQuietly(expiry.policy());
    } finally {
      store.close();
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
    if (events.hasListeners(EventType.EXPIRED)) {
      K key = keyOf(entry);
      V value = key == null ? null : valueOf(key, entry, false);
      if (value == null) {
        return;
      }
      try {
        events.publish(EventType.EXPIRED, key, value, value);
      } catch (RuntimeException e) {
        LOG.warn("A listener of cache {} failed on an expired entry", name, e);
      }
    }
  }

  @Override
  public void changedElsewhere(EventType type, Object storeKey, Object value, Object oldValue) {
    if (!events.hasListeners(type)) {
      return;
    }
    K key = keyOf(new StoreEntry(storeKey, value, StoreEntry.ETERNAL));
    V v = key == null || value == null ? null : valueOf(key, new StoreEntry(storeKey, value, 0), false);
    V old = key == null || oldValue == null ? null
        : valueOf(key, new StoreEntry(storeKey, oldValue, 0), false);
    if (key == null || (v == null && value != null)) {
      return;
    }
    try {
      events.publish(type, key, v, old);
    } catch (RuntimeException e) {
      LOG.warn("A listener of cache {} failed on a change made by another JVM", name, e);
    }
  }

  @Override
  public void evicted(StoreEntry entry) {
    if (statisticsEnabled) {
      statistics.evictions(1);
    }
    if (!vendorListeners.isEmpty()) {
      vendorEvent(VendorEvent.Type.EVICTED, keyOf(entry), "the store's size or weight bound");
    }
    LOG.debug("Cache {} evicted an entry to stay within its bound", name);
  }

  // ---------------------------------------------------------------- helpers

  /** What one compute did; reset at the start of each attempt because a store may retry. */
  private static final class Outcome {
    /** The entry found, if it had expired. */
    StoreEntry expired;
    /** The entry found, if its bytes did not decode. */
    StoreEntry corrupt;
    /** The entry found, if live. */
    StoreEntry live;
    /** The live entry's value, once decoded. */
    Object liveValue;
    /** What the attempt changes, and the value it writes. */
    Change change;
    Object newValue;
    Object result;
    ProcessorEntry<?, ?> processed;
    /** What this operation has told the writer, over all its attempts: a value, or {@link #DELETED}. */
    Object sentToWriter;
  }

  /** What {@link Outcome#sentToWriter} holds after a delete. */
  private static final Object DELETED = new Object();

  /**
   * Starts one attempt of a compute: sorts the current entry into expired, corrupt (a miss that
   * the write overwrites or drops) or live, and returns the time the attempt runs at.
   */
  private long begin(Outcome o, StoreEntry current) {
    long now = clock.millis();
    o.expired = null;
    o.corrupt = null;
    o.live = null;
    o.liveValue = null;
    o.change = Change.NONE;
    o.newValue = null;
    o.result = null;
    o.processed = null;
    if (current != null) {
      if (expired(current, now)) {
        o.expired = current;
      } else if (codec.mayBeCorrupt()) {
        try {
          o.liveValue = codec.decodeValue(current.value());
          o.live = current;
        } catch (CorruptEntryException e) {
          o.corrupt = current;
        }
      } else {
        o.live = current;
      }
    }
    return now;
  }

  /** The live entry's value, decoded at most once. */
  @SuppressWarnings("unchecked")
  private V liveValue(Outcome o) {
    if (o.liveValue == null) {
      o.liveValue = codec.decodeValue(o.live.value());
    }
    return (V) o.liveValue;
  }

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

  private Map<Object, K> encodeKeys(Set<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    Map<Object, K> byStoreKey = new LinkedHashMap<>(keys.size() * 2);
    for (K key : keys) {
      Objects.requireNonNull(key, "a key in keys");
      byStoreKey.put(codec.encodeKey(key), key);
    }
    return byStoreKey;
  }

  @SuppressWarnings("unchecked")
  private K keyOf(StoreEntry entry) {
    try {
      return (K) codec.decodeKey(entry.key());
    } catch (CorruptEntryException e) {
      corrupt(entry.key(), e);
      return null;
    }
  }

  /**
   * The value of {@code entry}, or {@code null} if its bytes do not decode: then the entry is
   * counted and logged as corrupt and, when {@code drop}, removed unless somebody changed it.
   */
  @SuppressWarnings("unchecked")
  private V valueOf(Object key, StoreEntry entry, boolean drop) {
    try {
      return (V) codec.decodeValue(entry.value());
    } catch (CorruptEntryException e) {
      corrupt(key, e);
      if (drop) {
        store.remove(entry);
      }
      return null;
    }
  }

  private void corrupt(Object key, CorruptEntryException e) {
    statistics.corrupt(1);
    vendorEvent(VendorEvent.Type.CORRUPT_ENTRY, key, e.getMessage());
    long n = statistics.getCorruptEntries();
    // every corrupt entry is dropped, so each is logged once; a flood is summarized, not repeated
    if (n <= 10 || n % 1000 == 0) {
      LOG.warn("Cache {}: the stored entry of key {} is corrupt and counts as a miss ({} so far): {}",
          name, key, n, e.getMessage());
    } else {
      LOG.debug("Cache {}: the stored entry of key {} is corrupt: {}", name, key, e.getMessage());
    }
  }

  private void countPut(long start) {
    statistics.puts(1);
    statistics.putTime(System.nanoTime() - start);
  }

  private void countRemoval(long start) {
    statistics.removals(1);
    statistics.removeTime(System.nanoTime() - start);
  }

  private void count(boolean hit) {
    if (hit) {
      statistics.hits(1);
    } else {
      statistics.misses(1);
    }
  }

  /**
   * The value of {@code entry} if it is present, else {@code null}. "Present" means one thing in
   * every operation (here and in {@link #begin}): stored, not {@link #expired}, and its bytes
   * decode. A corrupt entry is counted and dropped; an expired one is dropped and reported when
   * {@code settleExpired}.
   */
  private V present(K key, StoreEntry entry, boolean settleExpired) {
    return unexpired(key, entry, settleExpired) ? valueOf(key, entry, true) : null;
  }

  /**
   * Whether {@code entry} is present, as {@link #present} decides; it is decoded only when its
   * bytes can be damaged (a store-by-value copy in memory is not, so containsKey copies nothing).
   */
  private boolean isPresent(K key, StoreEntry entry, boolean settleExpired) {
    return unexpired(key, entry, settleExpired) && (!codec.mayBeCorrupt() || valueOf(key, entry, true) != null);
  }

  /** Whether {@code entry} is stored and not expired; an expired one is dropped and reported when {@code settle}. */
  private boolean unexpired(K key, StoreEntry entry, boolean settle) {
    if (entry == null) {
      return false;
    }
    if ((entry.expireAt() != StoreEntry.ETERNAL || checks.length != 0)
        && expired(entry, clock.millis())) {
      if (settle && store.remove(entry) && events.hasListeners(EventType.EXPIRED)) {
        V value = valueOf(key, entry, false);
        events.publish(EventType.EXPIRED, key, value, value);
      }
      return false;
    }
    return true;
  }

  /**
   * Whether {@code entry} is past its time at {@code now}, or a {@link ValidityCheck} declares it
   * invalid: either way it is not present, and the one is treated exactly as the other.
   */
  private boolean expired(StoreEntry entry, long now) {
    if (entry.isExpiredAt(now)) {
      return true;
    }
    ValidityCheck[] c = checks;
    return c.length != 0 && !valid(entry, c);
  }

  private boolean valid(StoreEntry entry, ValidityCheck[] c) {
    EntryMetadata metadata;
    try {
      metadata = codec.metadataOf(entry.value());
    } catch (CorruptEntryException e) {
      return true; // not for a check to say: decoding the value finds it corrupt
    }
    if (metadata == null) {
      return true;
    }
    for (ValidityCheck check : c) {
      try {
        if (!check.isValid(metadata)) {
          return false;
        }
      } catch (RuntimeException e) {
        // a check that cannot decide must not let a possibly stale entry through
        LOG.warn("Cache {}: a validity check failed; the entry counts as invalid", name, e);
        return false;
      }
    }
    return true;
  }

  /** When an entry written now expires: at its own time to live if it has one, else as the policy says. */
  private long writeExpiry(EntryOptions options, long now, StoreEntry live) {
    if (options.ttl() != null) {
      return ownExpiry(now, options);
    }
    if (eternal) {
      // what a blind put writes too: a standard write to an entry that had its own time to live
      // makes it eternal again, whichever path the write takes
      return StoreEntry.ETERNAL;
    }
    return live == null ? expiry.onCreation(now) : expiry.onUpdate(now, live.expireAt());
  }

  private static long ownExpiry(long now, EntryOptions options) {
    long ttl = Math.max(1, options.ttl().toMillis());
    return now > Long.MAX_VALUE - 1 - ttl ? StoreEntry.ETERNAL - 1 : now + ttl;
  }

  /** The value as the store holds it, with the metadata of {@code options} if they carry any. */
  private Object encodeValue(Object value, EntryOptions options) {
    return options.metadata().isEmpty() ? codec.encodeValue(value)
        : codec.encodeValue(value, new EntryMetadata(clock.millis(), options.metadata()));
  }

  /** Applies the access expiry to an entry just read, when the policy can change it. */
  private void touch(StoreEntry entry) {
    if (accessExpiry) {
      long expireAt = expiry.onAccess(clock.millis(), entry.expireAt());
      if (expireAt != entry.expireAt()) {
        // a concurrent write has set its own expiry: losing this race is fine
        store.replace(entry, entry.withExpireAt(expireAt));
      }
    }
  }

  /** The entry with the access expiry applied, for use inside a compute. */
  private StoreEntry accessed(StoreEntry live, long now) {
    long expireAt = expiry.onAccess(now, live.expireAt());
    return expireAt == live.expireAt() ? live : live.withExpireAt(expireAt);
  }

  /** What one compute changes in the store. */
  private enum Change { NONE, CREATED, UPDATED, REMOVED }

  /** Records that the attempt writes {@code value} (a creation unless a live entry was there); returns {@code next}. */
  private StoreEntry writes(Outcome o, Object value, StoreEntry next) {
    o.change = o.live == null ? Change.CREATED : Change.UPDATED;
    o.newValue = value;
    return next;
  }

  /** Records that the attempt removes the entry (a removal only if a live one was there); returns null. */
  private static StoreEntry removes(Outcome o) {
    o.change = o.live == null ? Change.NONE : Change.REMOVED;
    return null;
  }

  /**
   * The one step after a store commits a compute: statistics (a hit or miss where the operation
   * reads, {@code countsRead}; a put where a write counts as one, {@code countsPut}; a removal),
   * then what the compute found on its way (an expired or corrupt entry), then the event of its
   * change, with the old value where listeners ask for it.
   */
  @SuppressWarnings("unchecked")
  private void complete(K key, Outcome o, boolean countsRead, boolean countsPut, long start) {
    Change change = o.change;
    if (statisticsEnabled) {
      if (countsRead) {
        count(o.live != null);
      }
      if (change == Change.REMOVED) {
        countRemoval(start);
      } else if (change != Change.NONE && countsPut) {
        countPut(start);
      }
    }
    publishExpired(key, o);
    switch (change) {
      case CREATED:
        events.publish(EventType.CREATED, key, (V) o.newValue, null);
        break;
      case UPDATED:
        events.publish(EventType.UPDATED, key, (V) o.newValue,
            events.hasListeners(EventType.UPDATED) ? liveValue(o) : null);
        break;
      case REMOVED:
        publishRemoval(key, o);
        break;
      default:
        break;
    }
  }

  /** Reports what the compute found: an expired entry (an event) or a corrupt one (a count). */
  private void publishExpired(K key, Outcome o) {
    if (o.corrupt != null) {
      corrupt(key, new CorruptEntryException("overwritten or dropped by this operation"));
    }
    if (o.expired != null && events.hasListeners(EventType.EXPIRED)) {
      V value = valueOf(key, o.expired, false);
      events.publish(EventType.EXPIRED, key, value, value);
    }
  }

  /** The REMOVED event of the live entry a compute removed. */
  private void publishRemoval(K key, Outcome o) {
    if (o.live != null && events.hasListeners(EventType.REMOVED)) {
      V old = liveValue(o);
      events.publish(EventType.REMOVED, key, old, old);
    }
  }


  /**
   * Tells the writer of {@code value} unless this operation already did on an attempt that lost a
   * race (the store retried the compute): each committed change reaches the writer once.
   */
  private void write(Outcome o, K key, V value) {
    if (writer != null && (o.sentToWriter == null || !o.sentToWriter.equals(value))) {
      try {
        writer.write(new CacheEntry<>(key, value));
      } catch (Exception e) {
        throw writerException(e);
      }
      o.sentToWriter = value;
    }
  }

  private void delete(Outcome o, K key) {
    if (writer != null && o.sentToWriter != DELETED) {
      try {
        writer.delete(key);
      } catch (Exception e) {
        throw writerException(e);
      }
      o.sentToWriter = DELETED;
    }
  }

  /**
   * Runs a compute that may tell the writer. On a store whose compute may retry, it runs under the
   * key's lock (across JVMs), so that no other writing operation's attempt interleaves with it: the
   * writer hears each committed change once, before it commits, in commit order per key. Without a
   * writer, or on a store that computes once, it is the plain compute: nothing to pay.
   */
  private void computeWriting(Outcome o, Object storeKey, UnaryOperator<StoreEntry> function) {
    if (writer == null || computesOnce) {
      store.compute(storeKey, function);
      return;
    }
    try (KeyLock lock = store.lock(storeKey)) {
      store.compute(storeKey, function);
    }
  }

  private CacheWriterException writerException(Exception e) {
    statistics.writerError();
    return e instanceof CacheWriterException ? (CacheWriterException) e : new CacheWriterException(e);
  }

  private V load(K key) {
    try {
      return loader.load(key);
    } catch (CacheLoaderException e) {
      statistics.loaderError();
      throw e;
    } catch (Exception e) {
      statistics.loaderError();
      throw new CacheLoaderException(e);
    }
  }

  private Map<K, V> loadAll(Collection<K> keys) {
    try {
      Map<K, V> loaded = loader.loadAll(keys);
      return loaded == null ? Map.of() : loaded;
    } catch (CacheLoaderException e) {
      statistics.loaderError();
      throw e;
    } catch (Exception e) {
      statistics.loaderError();
      throw new CacheLoaderException(e);
    }
  }

  private V loadAndStore(K key) {
    V value = load(key);
    if (value != null) {
      storeLoaded(key, value, false);
    }
    return value;
  }

  /** Stores a loaded value: created if absent, replaced only if {@code replace}. No writer, no put. */
  private void storeLoaded(K key, V value, boolean replace) {
    Object storeKey = codec.encodeKey(key);
    Object storeValue = codec.encodeValue(value);
    Outcome o = new Outcome();
    store.compute(storeKey, current -> {
      long now = begin(o, current);
      StoreEntry live = o.live;
      if (live != null && !replace) {
        return current;
      }
      long expireAt = live == null ? expiry.onCreation(now) : expiry.onUpdate(now, live.expireAt());
      if (live == null && expireAt <= now) {
        return null;
      }
      return writes(o, value, new StoreEntry(storeKey, storeValue, expireAt));
    });
    complete(key, o, false, false, 0L);
  }
}
