package io.jadugar.jcache.engine.operation;

import io.jadugar.jcache.engine.completion.Completion;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.CacheEntry;
import io.jadugar.jcache.engine.core.Expiries;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.engine.loading.Loading;
import io.jadugar.jcache.spi.StoreEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.cache.Cache;

/**
 * The reads: {@code get}, {@code getAll}, {@code containsKey} and iteration. A hit is one store
 * read and, with a policy that expires on access, a compare-and-set of the new expiry.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Reads<K, V> {

  private final CacheCore<K, V> core;
  private final Presence<K, V> presence;
  private final Expiries expiries;
  private final Completion<K, V> completion;
  private final Loading<K, V> loading;

  /** The reads of the cache of {@code core}. */
  public Reads(CacheCore<K, V> core, Presence<K, V> presence, Expiries expiries,
      Completion<K, V> completion, Loading<K, V> loading) {
    this.core = core;
    this.presence = presence;
    this.expiries = expiries;
    this.completion = completion;
    this.loading = loading;
  }

  /** JSR-107's get. */
  public V get(K key) {
    long start = core.start();
    Presence.Along along = presence.along();
    StoreEntry entry;
    V value;
    if (along == null || !along.withEntry()) {
      entry = core.store.get(core.codec.encodeKey(key));
      value = presence.present(key, entry, true);
    } else {
      // the entries a validity check reads, read with the entry (one script on Redis)
      Map<String, StoreEntry> found = new HashMap<>(4);
      entry = core.store.get(core.codec.encodeKey(key), along.lookup(), found);
      value = presence.present(key, entry, true, presence.alongValues(found));
    }
    if (value != null) {
      expiries.touch(entry);
    }
    if (core.counting()) {
      completion.read(value != null);
    }
    if (value == null && core.readThrough) {
      value = loading.loadAndStore(key);
    }
    if (core.counting()) {
      completion.readTime(start);
    }
    return value;
  }

  /** JSR-107's getAll. */
  @SuppressWarnings("unchecked")
  public Map<K, V> getAll(Set<? extends K> keys) {
    // two arrays, not a map from store key to key: a batch read is mostly this bookkeeping
    Object[] userKeys = keys.toArray();
    Object[] storeKeys = new Object[userKeys.length];
    for (int i = 0; i < userKeys.length; i++) {
      storeKeys[i] = core.codec.encodeKey(Objects.requireNonNull(userKeys[i], "a key in keys"));
    }
    long start = core.start();
    // entries by position: no map from store key back to entry on this side (a profile of getAll
    // of 100 showed two hash maps of 100 entries per call where one is the answer)
    StoreEntry[] found = core.store.getEach(storeKeys);
    // what the validity checks read for these entries (the records of their tags), in one batch
    Map<String, Object> along = presence.readAlong(found);
    // without a loader the answer is what was found: its keys (moved to the front of userKeys) and
    // values in two arrays, not a HashMap's node per entry (a third of the bytes of a getAll of 100)
    Object[] values = core.readThrough ? null : new Object[userKeys.length];
    Map<K, V> withLoaded = core.readThrough ? new HashMap<>((int) (userKeys.length / 0.75f) + 1) : null;
    List<K> missing = core.readThrough ? new ArrayList<>() : null;
    int hits = 0;
    int misses = 0;
    for (int i = 0; i < userKeys.length; i++) {
      K key = (K) userKeys[i];
      StoreEntry entry = found[i];
      V value = presence.present(key, entry, true, along);
      if (value == null) {
        misses++;
        if (missing != null) {
          missing.add(key);
        }
      } else {
        expiries.touch(entry);
        if (withLoaded != null) {
          withLoaded.put(key, value);
        } else {
          userKeys[hits] = key;
          values[hits] = value;
        }
        hits++;
      }
    }
    if (core.counting()) {
      completion.reads(hits, misses);
    }
    if (missing != null && !missing.isEmpty()) {
      loading.loadAndStore(missing).forEach((key, value) -> {
        if (key != null && value != null) {
          withLoaded.put(key, value);
        }
      });
    }
    if (core.counting()) {
      completion.readTime(start);
    }
    // unmodifiable either way, so that no caller comes to depend on a loader being configured
    return withLoaded != null ? Collections.unmodifiableMap(withLoaded) : new FoundEntries<>(userKeys, values, hits);
  }

  /**
   * JSR-107's containsKey: present only if get would return it (a damaged entry is a counted,
   * dropped miss here too); an expired one is left for the reads that report it, as this is no access.
   */
  public boolean containsKey(K key) {
    Presence.Along along = presence.along();
    if (along == null || !along.withEntry()) {
      return presence.isPresent(key, core.store.get(core.codec.encodeKey(key)), false);
    }
    Map<String, StoreEntry> found = new HashMap<>(4);
    StoreEntry entry = core.store.get(core.codec.encodeKey(key), along.lookup(), found);
    return presence.isPresent(key, entry, false, presence.alongValues(found));
  }

  /** Iterates live entries, treating each as accessed; {@code remove} removes through the cache. */
  public Iterator<Cache.Entry<K, V>> iterator(Runnable requireOpen, Consumer<K> remove) {
    return new EntryIterator(core.store.iterator(), requireOpen, remove);
  }

  /** Entries an iteration takes from the store at a time when a validity check reads along (tags). */
  private static final int ALONG_CHUNK = 100;

  private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
    private final Iterator<StoreEntry> entries;
    private final Runnable requireOpen;
    private final Consumer<K> remove;
    /**
     * With a check that reads along: entries taken ahead from the store, so that what the check
     * reads for them is read in one batch per chunk, not per entry; null otherwise (one at a time).
     */
    private final StoreEntry[] chunk;
    private int chunkSize;
    private int chunkNext;
    private Map<String, Object> chunkAlong;
    private Cache.Entry<K, V> next;
    private K lastKey;

    EntryIterator(Iterator<StoreEntry> entries, Runnable requireOpen, Consumer<K> remove) {
      this.entries = entries;
      this.requireOpen = requireOpen;
      this.remove = remove;
      this.chunk = presence.along() == null ? null : new StoreEntry[ALONG_CHUNK];
    }

    /** The next entry of the store, or null at the end; with a chunk, refilled (and its lookups read) when used up. */
    private StoreEntry nextStored() {
      if (chunk == null) {
        return entries.hasNext() ? entries.next() : null;
      }
      if (chunkNext == chunkSize) {
        Arrays.fill(chunk, 0, chunkSize, null);
        chunkSize = 0;
        chunkNext = 0;
        while (chunkSize < chunk.length && entries.hasNext()) {
          chunk[chunkSize++] = entries.next();
        }
        chunkAlong = chunkSize == 0 ? null : presence.readAlong(chunk);
        if (chunkSize == 0) {
          return null;
        }
      }
      return chunk[chunkNext++];
    }

    @Override
    public boolean hasNext() {
      requireOpen.run();
      long now = core.clock.millis();
      StoreEntry e;
      while (next == null && (e = nextStored()) != null) {
        K key = presence.expired(e, now, chunkAlong) ? null : presence.keyOf(e);
        V value = key == null ? null : presence.present(key, e, false, chunkAlong);
        if (value != null) {
          long start = core.start();
          expiries.touch(e);
          next = new CacheEntry<>(key, value);
          if (core.counting()) {
            completion.read(true);
            completion.readTime(start);
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
      requireOpen.run();
      if (lastKey == null) {
        throw new IllegalStateException("next() has not been called, or remove() already was");
      }
      remove.accept(lastKey);
      lastKey = null;
    }
  }
}
