package io.jadugar.jcache;

import java.util.Map;
import javax.cache.Cache;

/**
 * Jadugar's operations on a cache beyond JSR-107, reached by {@code cache.unwrap(JadugarCache.class)}
 * on every store. It is the same cache: what these methods write, the standard ones read, with the
 * same events, statistics, writer and expiry rules.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface JadugarCache<K, V> extends Cache<K, V> {

  /** {@link #put(Object, Object)} with {@code options}: its own time to live, its metadata. */
  void put(K key, V value, EntryOptions options);

  /** {@link #getAndPut(Object, Object)} with {@code options}. */
  V getAndPut(K key, V value, EntryOptions options);

  /** {@link #putIfAbsent(Object, Object)} with {@code options}. */
  boolean putIfAbsent(K key, V value, EntryOptions options);

  /** {@link #replace(Object, Object)} with {@code options}: the new entry's own time to live and metadata. */
  boolean replace(K key, V value, EntryOptions options);

  /** {@link #replace(Object, Object, Object)} with {@code options} for the new entry. */
  boolean replace(K key, V oldValue, V newValue, EntryOptions options);

  /** {@link #getAndReplace(Object, Object)} with {@code options} for the new entry. */
  V getAndReplace(K key, V value, EntryOptions options);

  /** {@link #putAll(Map)} with the same {@code options} for every entry. */
  void putAll(Map<? extends K, ? extends V> map, EntryOptions options);

  /**
   * The entry of {@code key} with its expiry time, write time and metadata, or {@code null} if it
   * is not present; a read like {@link #get} (statistics, access expiry, read-through aside: it
   * does not load).
   */
  EntryInfo<K, V> getEntry(K key);

  /** Adds {@code check}, consulted on every read of an entry that carries metadata. */
  void addValidityCheck(ValidityCheck check);

  /** Removes {@code check}. */
  void removeValidityCheck(ValidityCheck check);

  /**
   * Adds {@code listener} for this cache's {@link VendorEvent}s, and for its cache manager's store
   * connections going down and coming back ({@code STORE_DOWN}, {@code STORE_UP}).
   */
  void addVendorListener(VendorEventListener listener);

  /** Removes {@code listener}. */
  void removeVendorListener(VendorEventListener listener);

  /** The health of the cache's store, measured within {@link JadugarManager#DEFAULT_HEALTH_TIMEOUT}. */
  default io.jadugar.jcache.health.HealthReport health() {
    return health(JadugarManager.DEFAULT_HEALTH_TIMEOUT);
  }

  /**
   * The health of the cache's store, measured within {@code timeout}: every server of a remote
   * store asked, with its round trip and last error; the memory store's size and bound.
   */
  io.jadugar.jcache.health.HealthReport health(java.time.Duration timeout);

  /** The cache's metrics now, waiting at most {@link JadugarManager#DEFAULT_HEALTH_TIMEOUT} for the servers' memory. */
  default MetricsSnapshot metrics() {
    return metrics(JadugarManager.DEFAULT_HEALTH_TIMEOUT);
  }

  /**
   * The cache's metrics now: latency per kind of operation with percentiles and the JSR-107 counts
   * (recorded while statistics are enabled, {@code setStatisticsEnabled}); corrupt entries, errors
   * by kind and the store's round trips (always counted); the memory behind the cache, read now,
   * waiting at most {@code timeout} for a server (a server that does not answer leaves it absent).
   */
  MetricsSnapshot metrics(java.time.Duration timeout);

  /**
   * Returns when the asynchronous work this cache has accepted is done: the core does nothing
   * asynchronously, so this flushes the cache's {@code CacheWriter} when it is a
   * {@link java.io.Flushable} (a write-back writer is), and returns at once otherwise. A writer whose
   * flush fails makes this throw a {@code javax.cache.integration.CacheWriterException} naming the cache.
   */
  void flush();
}
