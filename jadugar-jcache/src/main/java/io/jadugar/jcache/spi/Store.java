package io.jadugar.jcache.spi;

import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The storage behind one cache: a narrow set of primitives, each atomic on the store, over which
 * the engine builds every JSR-107 operation.
 *
 * <p>Keys and values arrive already in the store's representation (see
 * {@link StoreFactory#representation()}): objects for an embedded store, encoded bytes for a
 * remote one. Expiry is an absolute epoch-millisecond time that the store enforces itself, so
 * that an entry dies on time even when no JVM reads it. A store may hand back an entry whose
 * expiry time has just passed; the engine checks {@link StoreEntry#isExpiredAt} and treats it
 * as expired.
 *
 * <h2>The compare-and-set contract</h2>
 * {@link #get} returns an entry with a version; {@link #replace} and {@link #remove(StoreEntry)}
 * succeed only if the entry still has that version, {@link #insert} only if the key is absent.
 * {@link #compute} is the loop the engine runs every conditional operation and entry processor
 * through; its default implementation retries on conflict and so may call the function more than
 * once. A store with a native atomic compute overrides it and calls the function exactly once.
 *
 * <h2>How the planned stores map onto it</h2>
 * <ul>
 *   <li><b>Memory (Caffeine)</b>: a {@code Cache<Object, StoreEntry>}; the entry instance is its own
 *   version; {@code compute} is {@code asMap().compute}; expiry by Caffeine's variable expiry from
 *   {@code expireAt}; the size bound by Caffeine's eviction, reported to the {@link StoreListener}.
 *   </li>
 *   <li><b>Redis</b>: one Redis key {@code <prefix><cache>:<encoded key>} per entry whose value is
 *   a frame carrying a version counter; {@code insert} is {@code SET NX PX}; {@code replace} and
 *   {@code remove(entry)} are Lua scripts (loaded once, called by SHA) that compare the version and
 *   write with {@code PEXPIREAT}; batches are {@code MGET} / pipelines grouped by cluster node;
 *   iteration and {@code clear} use {@code SCAN MATCH <prefix><cache>:*} on every master.</li>
 *   <li><b>Memcached</b>: {@code get} is {@code gets} and the version is the CAS token;
 *   {@code insert} is {@code add}; {@code replace} is {@code cas}; {@code remove(entry)} is a
 *   {@code cas} to a tombstone with a short exptime (memcached has no compare-and-delete);
 *   exptime is whole seconds (rounded up; absolute Unix time above 30 days) while the frame
 *   keeps the precise {@code expireAt}; keys over 250 bytes or with spaces are hashed, the original
 *   key kept in the frame; iteration by {@code lru_crawler metadump} filtered by the cache's
 *   namespace; {@code clear} bumps a namespace generation stored in memcached.</li>
 *   <li><b>Hazelcast</b>: an {@code IMap<byte[], byte[]>} per cache; {@code compute} runs its
 *   function once, in the caller's JVM, under {@code IMap.lock(key)} (the function holds user code,
 *   which cannot be shipped to the key's owner), so it {@link #computesOnce() computes once}; a write
 *   of unknown outcome is read back under the lock by the write's unique token; expiry is the per-entry
 *   TTL of {@code IMap.set(k, v, ttl, ms)}; {@code getAll} is {@code IMap.getAll}, {@code putAll} and
 *   {@code removeAll} asynchronous operations sent together; iteration is the map's paged iterator.</li>
 * </ul>
 */
public interface Store extends AutoCloseable {

  /** The entry under {@code key} with its version, or {@code null} if absent. */
  StoreEntry get(Object key);

  /** The present entries among {@code keys}, in one round trip on a remote store. */
  Map<Object, StoreEntry> getAll(Collection<?> keys);

  /**
   * The entries under {@code keys} by position, {@code null} where absent: what {@link #getAll}
   * finds, without a map to look them up in again. By default through {@link #getAll}; a store
   * that can fill the array directly overrides it.
   */
  default StoreEntry[] getEach(Object[] keys) {
    Map<Object, StoreEntry> found = getAll(java.util.Arrays.asList(keys));
    StoreEntry[] entries = new StoreEntry[keys.length];
    for (int i = 0; i < keys.length; i++) {
      entries[i] = found.get(keys[i]);
    }
    return entries;
  }

  /**
   * Whether {@link #get(Object, StoreLookup, Map)} reads {@code lookup}'s entries with the entry in
   * one request. By default not: the caller then reads them itself.
   */
  default boolean readsAlong(StoreLookup lookup) {
    return false;
  }

  /**
   * The entry under {@code key}, as {@link #get(Object)}, and with it the entries of {@code lookup}
   * its metadata lists: each listed name to its entry in {@code lookup.store()}, {@code null} when
   * absent, put into {@code along}. A store that {@link #readsAlong} does it in one request; by
   * default only the entry is read and {@code along} stays as it is.
   */
  default StoreEntry get(Object key, StoreLookup lookup, Map<String, StoreEntry> along) {
    return get(key);
  }

  /** Writes {@code entry} unconditionally. */
  void put(StoreEntry entry);

  /** Writes all {@code entries} unconditionally, in one round trip on a remote store. */
  void putAll(Collection<StoreEntry> entries);

  /** Writes {@code entry} only if its key is absent; true if it was written. */
  boolean insert(StoreEntry entry);

  /** Replaces {@code expected} by {@code replacement} only if {@code expected}'s version still holds. */
  boolean replace(StoreEntry expected, StoreEntry replacement);

  /** Removes {@code expected} only if its version still holds; true if it was removed. */
  boolean remove(StoreEntry expected);

  /** Removes the entry under {@code key}; returns it, or {@code null} if absent. */
  StoreEntry remove(Object key);

  /** Removes the entries under {@code keys}; returns the ones that were present. */
  Map<Object, StoreEntry> removeAll(Collection<?> keys);

  /** Removes every entry of this cache, and only of this cache. */
  void clear();

  /**
   * Iterates the entries of this cache. Weakly consistent: entries added or removed during the
   * iteration may or may not be seen.
   */
  Iterator<StoreEntry> iterator();

  /**
   * Atomically replaces the entry under {@code key} by {@code function(current)}, where current is
   * {@code null} if absent. The function returns {@code current} itself to leave the entry as it
   * is, {@code null} to remove it, or a new entry to write. Returns what the store now holds.
   */
  default StoreEntry compute(Object key, UnaryOperator<StoreEntry> function) {
    while (true) {
      StoreEntry current = get(key);
      StoreEntry next = function.apply(current);
      if (next == current) {
        return current;
      }
      boolean done;
      if (current == null) {
        done = insert(next);
      } else if (next == null) {
        done = remove(current);
      } else {
        done = replace(current, next);
      }
      if (done) {
        return next;
      }
    }
  }

  /**
   * Whether this JVM's cache has entry listeners ({@code any}); the engine says so once the store is
   * open and after each listener it registers or deregisters, and returns from registering only
   * after this call. A store that hears other JVMs' changes may stop hearing them while nobody here
   * listens. By default nothing happens.
   */
  default void listenersChanged(boolean any) {}

  /** Opens the connection to the store; a no-op for an embedded store. */
  void connect();

  /** Closes the connection to the store; entries stay where the store keeps them. */
  void disconnect();

  /** Whether the store is reachable now. */
  boolean isConnected();

  /** Disconnects and drops what this JVM holds for the cache. */
  @Override
  default void close() {
    disconnect();
  }

  // ---------------------------------------------------------------- one writer call per commit

  /**
   * Whether {@link #compute} calls its function exactly once per call (a native atomic compute). If
   * not (the default compare-and-set loop), a function with side effects, such as calling a
   * {@code CacheWriter}, may run for attempts that never commit; the engine's {@link #lock} around
   * the read, the writer call and the commit is what keeps them to one.
   */
  default boolean computesOnce() {
    return false;
  }

  /**
   * Takes the lock of {@code key} for the calling thread, across every JVM that uses this cache on
   * this store, and blocks until it has it; reentrant within a thread. While it is held, no other
   * holder of the same key's lock runs, so a read, a writer call and a commit made under it happen
   * in one order per key everywhere. A lock held by a JVM that died ends with its lease. Fails with
   * a {@link javax.cache.CacheException} naming the cache, the key and the server if it cannot be
   * taken in a bounded time. Changes made without the lock (by an operation that does not take it)
   * are not held back.
   *
   * <p>The engine takes it around every compute that calls a writer. A store whose compute runs its
   * function once and waits for the locks {@link #lockAll} takes needs nothing more: by default it
   * gets {@link KeyLock#NONE}. A store whose compute may retry, or does not wait for those locks,
   * must implement this.
   */
  default KeyLock lock(Object key) {
    if (computesOnce()) {
      return KeyLock.NONE;
    }
    throw new UnsupportedOperationException(getClass().getName() + " computes by retrying and has no key lock: "
        + "it cannot give a CacheWriter each committed change exactly once");
  }

  /**
   * Takes the locks of all of {@code keys} for the calling thread, as {@link #lock} takes one, in
   * one order in every JVM, so that two batches sharing keys never wait for each other in a circle;
   * closing the result releases them all. While they are held, no other holder of one of these
   * locks, and no {@link #compute} run under one, touches those keys: a batch's writer call and its
   * commit happen in one order per key with every single-key operation.
   *
   * <p>By default each key's {@link #lock} in the order of its bytes (a remote store's keys are
   * {@link BinaryKey}s). A store whose {@link #lock} holds nothing (its compute runs once) must
   * override this with locks its compute waits for.
   */
  default KeyLock lockAll(Collection<?> keys) {
    return KeyLock.inOrder(keys, this::lock);
  }

  /**
   * Whether {@link #putRecorded} works here: a store whose server runs a {@link WriterRecord}'s script
   * and whose entries and records share that server (a Redis server, not a Cluster). By default not.
   */
  default boolean recordsWrites() {
    return false;
  }

  /**
   * Writes {@code entry} unconditionally and runs {@code record}'s script, as one atomic step, unless
   * another operation holds the key's {@link #lock} ({@link RecordedWrite#LOCKED}) or the script
   * declines ({@link RecordedWrite#DECLINED}): then nothing is written. The record is made first; a
   * failure after it may leave the record without the entry, never the entry without the record.
   * Only if {@link #recordsWrites}.
   */
  default RecordedWrite putRecorded(StoreEntry entry, WriterRecord record) {
    throw new UnsupportedOperationException(getClass().getName() + " does not record writes");
  }

  // ---------------------------------------------------------------- health (vendor API)

  /**
   * The health of this cache's store, waiting at most {@code timeout}: a remote store answers with
   * its client's check of every server ({@link StoreClient#health}), an embedded one with its size
   * and bound. By default: {@code UP} when {@link #isConnected()}, else {@code DOWN}, no servers.
   */
  default HealthReport health(Duration timeout) {
    return new HealthReport(isConnected() ? HealthStatus.UP : HealthStatus.DOWN, "unknown", List.of(),
        Map.of(), Instant.now());
  }

  // ---------------------------------------------------------------- metrics (vendor API)

  /**
   * The round trips and failed requests this store counted for its cache, read without I/O. The
   * store counts where its requests are sent and its failures are born (the engine sees neither a
   * batch's shape nor a read that a failure mode answered as a miss). By default nothing counted,
   * as for an embedded store.
   */
  default StoreTraffic traffic() {
    return StoreTraffic.NONE;
  }

  /**
   * The memory behind this cache, waiting at most {@code timeout} for a server: called only when a
   * metrics snapshot is asked for. Never throws: a figure that cannot be read is absent. By default
   * nothing known.
   */
  default StoreMemory memory(Duration timeout) {
    return StoreMemory.UNKNOWN;
  }
}
