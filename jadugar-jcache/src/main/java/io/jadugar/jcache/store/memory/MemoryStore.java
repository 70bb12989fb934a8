package io.jadugar.jcache.store.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.HealthStatus;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreListener;
import io.jadugar.jcache.spi.StoreOptions;
import com.github.benmanes.caffeine.cache.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.UnaryOperator;

/**
 * One cache's entries in a Caffeine cache of {@link StoreEntry}. The entry instance is its own
 * version, so compare-and-set is {@link ConcurrentMap#replace(Object, Object, Object)} on
 * identity, and {@link #compute} is Caffeine's atomic compute.
 *
 * <p>Caffeine's expiry is set up only when the cache's policy can expire entries. It expires an entry
 * {@link #GRACE_MILLIS} after its expiry time. The engine, which
 * checks expiry times itself, therefore always sees an expired entry that is read and reports it
 * at once; Caffeine removes the ones nobody reads, on its scheduler, and they are reported through
 * the {@link StoreListener}. In a cache whose policy never expires entries, the few given a time to
 * live of their own are removed the same way by the store's {@link TtlSweep}.
 */
final class MemoryStore implements Store {

  /** How long after its expiry time Caffeine drops an entry that nobody read. */
  static final long GRACE_MILLIS = 1_000;

  private final Cache<Object, StoreEntry> cache;
  private final ConcurrentMap<Object, StoreEntry> map;
  private final StoreListener listener;
  /**
   * The sweep of entries with their own time to live when Caffeine keeps no timers (the policy never
   * expires entries), else {@code null}: see {@link #timed}.
   */
  private final TtlSweep sweep;
  /** The key locks, made when a cache with a writer first asks for one. */
  private volatile StripedLocks locks;
  /** Runs once when the store closes: the client forgets it. */
  private volatile Runnable onClose = () -> {};

  MemoryStore(StoreOptions options) {
    Settings settings = options.settings();
    StoreListener listener = options.listener();
    // maintenance (buffers, eviction, expiry) runs on Caffeine's executor, off the caller's thread
    Caffeine<Object, Object> builder = Caffeine.newBuilder();
    Long maximumSize = settings.get(MemoryStoreFactory.MAXIMUM_SIZE);
    Long maximumWeight = settings.get(MemoryStoreFactory.MAXIMUM_WEIGHT);
    String weigher = settings.get(MemoryStoreFactory.WEIGHER);
    if (maximumSize != null && maximumWeight != null) {
      throw new ConfigurationException("Configuration keys '" + MemoryStoreFactory.MAXIMUM_SIZE
          + "' and '" + MemoryStoreFactory.MAXIMUM_WEIGHT + "' exclude each other: set one");
    }
    if (maximumSize != null) {
      builder.maximumSize(maximumSize);
    }
    if (maximumWeight != null) {
      if (weigher == null) {
        throw new ConfigurationException("Configuration key '" + MemoryStoreFactory.MAXIMUM_WEIGHT
            + "' needs '" + MemoryStoreFactory.WEIGHER + "': the class of an " + EntryWeigher.class.getName());
      }
      EntryWeigher w = newWeigher(weigher, options.classLoader());
      builder.maximumWeight(maximumWeight)
          .weigher((Object k, Object e) -> w.weigh(k, ((StoreEntry) e).value()));
    } else if (weigher != null) {
      throw new ConfigurationException("Configuration key '" + MemoryStoreFactory.WEIGHER
          + "' is only used with '" + MemoryStoreFactory.MAXIMUM_WEIGHT + "', which is not set");
    }
    this.listener = listener;
    if (options.entriesExpire()) {
      // only a cache whose entries can expire pays for the timer wheel: a clock read per access, and
      // a reschedule of the entry's timer for each access Caffeine's maintenance replays
      builder.expireAfter(new ExpiryTimes()).scheduler(Scheduler.systemScheduler());
      this.sweep = null;
    } else {
      this.sweep = new TtlSweep(this);
    }
    this.cache = builder
        .evictionListener((Object key, Object entry, RemovalCause cause) -> {
          if (cause == RemovalCause.EXPIRED) {
            // this runs inside Caffeine's atomic section: listeners must not run there
            ForkJoinPool.commonPool().execute(() -> listener.expired((StoreEntry) entry));
          } else if (cause == RemovalCause.SIZE) {
            listener.evicted((StoreEntry) entry);
          }
        })
        .build();
    this.map = cache.asMap();
  }

  private static EntryWeigher newWeigher(String className, ClassLoader loader) {
    try {
      Class<?> c = Class.forName(className, true, loader);
      return (EntryWeigher) c.getConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
      throw new ConfigurationException("Bad value '" + className + "' for configuration key '"
          + MemoryStoreFactory.WEIGHER + "': expected a class implementing "
          + EntryWeigher.class.getName() + " with a public no-argument constructor (" + e + ")", e);
    }
  }

  /** Expiry times come from the entries themselves, plus the grace period. */
  private static final class ExpiryTimes implements Expiry<Object, StoreEntry> {
    @Override
    public long expireAfterCreate(Object key, StoreEntry entry, long currentTime) {
      return nanosUntil(entry.expireAt());
    }

    @Override
    public long expireAfterUpdate(Object key, StoreEntry entry, long currentTime, long currentDuration) {
      return nanosUntil(entry.expireAt());
    }

    @Override
    public long expireAfterRead(Object key, StoreEntry entry, long currentTime, long currentDuration) {
      return currentDuration;
    }

    private static long nanosUntil(long expireAt) {
      if (expireAt == StoreEntry.ETERNAL) {
        return Long.MAX_VALUE;
      }
      long millis = expireAt - System.currentTimeMillis() + GRACE_MILLIS;
      return millis <= 0 ? 0 : millis >= Long.MAX_VALUE / 1_000_000 ? Long.MAX_VALUE : millis * 1_000_000;
    }
  }

  // reads go through the map view: the same read as Cache.getIfPresent (it records the access for
  // eviction), without the statistics counter this store never enables

  @Override
  public StoreEntry get(Object key) {
    return map.get(key);
  }

  @Override
  public Map<Object, StoreEntry> getAll(Collection<?> keys) {
    // Caffeine's getAllPresent builds a linked map and wraps it: the engine needs neither
    Map<Object, StoreEntry> found = new HashMap<>((int) (keys.size() / 0.75f) + 1);
    for (Object key : keys) {
      StoreEntry e = map.get(key);
      if (e != null) {
        found.put(key, e);
      }
    }
    return found;
  }

  @Override
  public StoreEntry[] getEach(Object[] keys) {
    StoreEntry[] entries = new StoreEntry[keys.length];
    for (int i = 0; i < keys.length; i++) {
      entries[i] = map.get(keys[i]);
    }
    return entries;
  }

  @Override
  public void put(StoreEntry entry) {
    timed(entry);
    map.put(entry.key(), entry);
  }

  @Override
  public void putAll(Collection<StoreEntry> entries) {
    for (StoreEntry e : entries) {
      put(e);
    }
  }

  @Override
  public boolean insert(StoreEntry entry) {
    boolean inserted = map.putIfAbsent(entry.key(), entry) == null;
    if (inserted) {
      timed(entry);
    }
    return inserted;
  }

  @Override
  public boolean replace(StoreEntry expected, StoreEntry replacement) {
    boolean replaced = map.replace(expected.key(), expected, replacement);
    if (replaced) {
      timed(replacement);
    }
    return replaced;
  }

  /**
   * In a cache whose policy never expires entries Caffeine keeps no timers (they cost every access);
   * an entry given its own time to live through the vendor API is then dropped by {@link TtlSweep},
   * {@link #GRACE_MILLIS} after its time, as Caffeine would.
   */
  private void timed(StoreEntry entry) {
    if (sweep != null && entry != null && entry.expireAt() != StoreEntry.ETERNAL) {
      sweep.written();
    }
  }

  /** The sweep of entries with their own time to live, {@code null} if Caffeine keeps timers (for tests). */
  TtlSweep sweep() {
    return sweep;
  }

  /** The entries, for the sweep: a weakly consistent view that records no access. */
  Iterable<StoreEntry> entries() {
    return map.values();
  }

  /** About how many entries the store holds. */
  long estimatedSize() {
    return cache.estimatedSize();
  }

  /**
   * Drops {@code entry}, whose time (and grace) has passed, and reports it; false if it was
   * replaced or removed meanwhile.
   */
  boolean expire(StoreEntry entry) {
    if (map.remove(entry.key(), entry)) {
      listener.expired(entry);
      return true;
    }
    return false;
  }

  @Override
  public boolean remove(StoreEntry expected) {
    return map.remove(expected.key(), expected);
  }

  @Override
  public StoreEntry remove(Object key) {
    return map.remove(key);
  }

  @Override
  public Map<Object, StoreEntry> removeAll(Collection<?> keys) {
    Map<Object, StoreEntry> removed = new HashMap<>();
    for (Object key : keys) {
      StoreEntry e = map.remove(key);
      if (e != null) {
        removed.put(key, e);
      }
    }
    return removed;
  }

  @Override
  public void clear() {
    cache.invalidateAll();
  }

  @Override
  public Iterator<StoreEntry> iterator() {
    return map.values().iterator();
  }

  @Override
  public StoreEntry compute(Object key, UnaryOperator<StoreEntry> function) {
    StoreEntry after = map.compute(key, (k, current) -> function.apply(current));
    timed(after);
    return after;
  }

  /** Caffeine's compute runs the function once, under its own lock of the key. */
  @Override
  public boolean computesOnce() {
    return true;
  }

  /**
   * A lock of this JVM: Caffeine's own is held only inside one key's compute, and a batch with a
   * writer must hold back single-key computes while it writes several keys.
   */
  @Override
  public KeyLock lock(Object key) {
    return locks().lock(key);
  }

  @Override
  public KeyLock lockAll(Collection<?> keys) {
    return locks().lockAll(keys);
  }

  private StripedLocks locks() {
    StripedLocks l = locks;
    if (l == null) {
      synchronized (this) {
        l = locks;
        if (l == null) {
          l = new StripedLocks();
          locks = l;
        }
      }
    }
    return l;
  }

  @Override
  public void connect() {
    // embedded: always connected
  }

  @Override
  public void disconnect() {
    // embedded: nothing to disconnect
  }

  @Override
  public boolean isConnected() {
    return true;
  }

  @Override
  public void close() {
    if (sweep != null) {
      sweep.close();
    }
    cache.invalidateAll();
    cache.cleanUp();
    onClose.run();
  }

  /** Runs {@code action} once this store closes. */
  void onClose(Runnable action) {
    this.onClose = action;
  }

  /** How many entries the store holds (Caffeine's estimate: exact but for entries pending removal). */
  long size() {
    return cache.estimatedSize();
  }

  /** The heap of this cache's entries, estimated (see {@link HeapEstimate}); an embedded store has no server. */
  @Override
  public io.jadugar.jcache.spi.StoreMemory memory(Duration timeout) {
    return new io.jadugar.jcache.spi.StoreMemory(HeapEstimate.of(cache), null);
  }

  /**
   * Always {@code UP}: an embedded store has no server to lose. Its details are {@code size} and its
   * bound, {@code maximumSize} or {@code maximumWeight} with {@code weightedSize}, absent when unbounded.
   */
  @Override
  public HealthReport health(Duration timeout) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("size", cache.estimatedSize());
    Optional<Policy.Eviction<Object, StoreEntry>> eviction = cache.policy().eviction();
    eviction.ifPresent(e -> {
      if (e.isWeighted()) {
        details.put("maximumWeight", e.getMaximum());
        e.weightedSize().ifPresent(w -> details.put("weightedSize", w));
      } else {
        details.put("maximumSize", e.getMaximum());
      }
    });
    return new HealthReport(HealthStatus.UP, "memory", List.of(), details, Instant.now());
  }
}
