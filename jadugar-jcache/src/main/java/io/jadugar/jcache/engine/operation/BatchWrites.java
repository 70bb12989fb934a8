package io.jadugar.jcache.engine.operation;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.codec.CorruptEntryException;
import io.jadugar.jcache.engine.completion.Completion;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.CacheEntry;
import io.jadugar.jcache.engine.core.Expiries;
import io.jadugar.jcache.engine.core.Outcome;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.engine.core.Reports;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.StoreEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.event.EventType;
import javax.cache.integration.CacheWriterException;

/**
 * putAll and removeAll: one batch call to the writer and one to the store (one round trip on a
 * remote store where nothing needs the entries they replace), then each entry's events. With a
 * writer, both calls run under the locks of the batch's keys, so that each key's writer call and
 * commit keep their order with every other operation's.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class BatchWrites<K, V> {

  private final CacheCore<K, V> core;
  private final Presence<K, V> presence;
  private final Expiries expiries;
  private final Completion<K, V> completion;
  private final Reports reports;
  private final WriterCalls<K, V> writer;

  /** The batch writes of the cache of {@code core}. */
  public BatchWrites(CacheCore<K, V> core, Presence<K, V> presence, Expiries expiries,
      Completion<K, V> completion, Reports reports, WriterCalls<K, V> writer) {
    this.writer = writer;
    this.core = core;
    this.presence = presence;
    this.expiries = expiries;
    this.completion = completion;
    this.reports = reports;
  }

  /**
   * putAll of {@code n} checked keys and values, with the entries' own options. With a writer, the
   * writer call and the store's writes happen under the keys' locks.
   */
  @SuppressWarnings("unchecked")
  public void putAll(Object[] keys, Object[] values, int n, EntryOptions options) {
    long start = core.start();
    Object[] storeKeys = new Object[n];
    for (int i = 0; i < n; i++) {
      storeKeys[i] = core.codec.encodeKey(keys[i]);
    }
    try (KeyLock lock = writer.lockAll(Arrays.asList(storeKeys))) {
      CacheWriterException writeFailure = null;
      if (core.writer != null) {
        List<Cache.Entry<? extends K, ? extends V>> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          entries.add(new CacheEntry<>((K) keys[i], (V) values[i]));
        }
        try {
          core.writer.writeAll(entries);
        } catch (Exception e) {
          writeFailure = writer.failure(e);
          // what the writer left in the collection was not written: keep it out of the cache too
          Set<Object> notWritten = new HashSet<>();
          for (Cache.Entry<? extends K, ? extends V> left : entries) {
            notWritten.add(left.getKey());
          }
          List<Object> unsure = new ArrayList<>();
          int kept = 0;
          for (int i = 0; i < n; i++) {
            if (!notWritten.contains(keys[i])) {
              keys[kept] = keys[i];
              values[kept] = values[i];
              storeKeys[kept++] = storeKeys[i];
            } else {
              unsure.add(storeKeys[i]);
            }
          }
          n = kept;
          writer.batchFailed(e, unsure, writeFailure);
        }
      }
      try {
        write(keys, values, storeKeys, n, options, start);
      } catch (RuntimeException e) {
        writer.storeFailed(Arrays.asList(storeKeys).subList(0, n), e);
        throw e;
      }
      if (writeFailure != null) {
        throw writeFailure;
      }
    }
  }

  /** The store's side of putAll: the first {@code n} entries, then their events. */
  @SuppressWarnings("unchecked")
  private void write(Object[] keys, Object[] values, Object[] storeKeys, int n, EntryOptions options, long start) {
    // the current entries matter only for events and for an expiry policy that tells creation
    // from update; without either, a remote store writes the batch in one round trip
    boolean needsCurrent = core.events.hasListeners(EventType.CREATED) || core.events.hasListeners(EventType.UPDATED)
        || core.events.hasListeners(EventType.EXPIRED) || (!core.eternal && options.ttl() == null);
    Map<Object, StoreEntry> existing = needsCurrent && n > 0
        ? core.store.getAll(Arrays.asList(storeKeys).subList(0, n)) : Map.of();
    // no time is needed where every entry is written eternal (a clock read waits for every load in flight)
    long now = core.eternal && options.ttl() == null ? 0L : core.clock.millis();
    StoreEntry[] writes = new StoreEntry[n];
    int w = 0;
    // what each key held, sorted as every other operation sorts it, and whether it was written
    Outcome[] found = existing.isEmpty() ? null : new Outcome[n];
    boolean[] written = new boolean[n];
    List<Object> dropped = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StoreEntry current = existing.get(storeKeys[i]);
      StoreEntry live = null;
      if (current != null) {
        found[i] = new Outcome();
        presence.begin(found[i], current);
        live = found[i].live;
      }
      long expireAt = expiries.onWrite(options, now, live);
      if (live == null && expireAt <= now) {
        if (current != null) {
          dropped.add(storeKeys[i]); // expired or corrupt, and nothing replaces it
        }
        continue;
      }
      written[i] = true;
      writes[w++] = new StoreEntry(storeKeys[i], core.encodeValue(values[i], options), expireAt);
    }
    core.store.putAll(Arrays.asList(w == n ? writes : Arrays.copyOf(writes, w)));
    if (!dropped.isEmpty()) {
      core.store.removeAll(dropped);
    }
    if (core.counting() && w > 0) {
      completion.put(w, start);
    }
    // with nothing found (expired, corrupt, updated) there is only a creation per key to report
    boolean report = found != null || core.events.hasListeners(EventType.CREATED);
    for (int i = 0; report && i < n; i++) {
      Outcome o = found == null ? null : found[i];
      K key = (K) keys[i];
      if (!written[i]) {
        if (o != null && o.corrupt != null) {
          reports.corrupt(key, new CorruptEntryException("dropped by putAll"));
        }
        continue;
      }
      if (o != null) {
        completion.found(key, o);
      }
      if (o == null || o.live == null) {
        core.events.publish(EventType.CREATED, key, (V) values[i], null);
      } else if (core.events.hasListeners(EventType.UPDATED)) {
        core.events.publish(EventType.UPDATED, key, (V) values[i], presence.liveValue(o));
      }
    }
  }

  /** removeAll of {@code keys}. */
  public void removeAll(Set<? extends K> keys) {
    Map<Object, K> byStoreKey = new LinkedHashMap<>(keys.size() * 2);
    for (K key : keys) {
      byStoreKey.put(core.codec.encodeKey(key), key);
    }
    removeAll(byStoreKey);
  }

  /** removeAll of every entry. */
  public void removeAll() {
    if (core.writer == null && !core.events.hasListeners() && !core.counting()) {
      // nobody is told of each removal, so it is a clear: no listing of the whole store (on
      // memcached, a walk of every server's items)
      core.store.clear();
      return;
    }
    Map<Object, K> byStoreKey = new LinkedHashMap<>();
    Iterator<StoreEntry> it = core.store.iterator();
    List<Object> undecodable = new ArrayList<>();
    while (it.hasNext()) {
      StoreEntry entry = it.next();
      K key = presence.keyOf(entry);
      if (key == null) {
        undecodable.add(entry.key()); // no writer can be told of it, but it goes all the same
      } else {
        byStoreKey.put(entry.key(), key);
      }
    }
    if (!undecodable.isEmpty()) {
      core.store.removeAll(undecodable);
    }
    removeAll(byStoreKey);
  }

  /** With a writer, the writer call and the store's removals happen under the keys' locks. */
  private void removeAll(Map<Object, K> byStoreKey) {
    try (KeyLock lock = writer.lockAll(byStoreKey.keySet())) {
      removeAllLocked(byStoreKey);
    }
  }

  private void removeAllLocked(Map<Object, K> byStoreKey) {
    long start = core.start();
    CacheWriterException writeFailure = null;
    if (core.writer != null && !byStoreKey.isEmpty()) {
      Set<K> toDelete = new HashSet<>(byStoreKey.values());
      try {
        core.writer.deleteAll(toDelete);
      } catch (Exception e) {
        writeFailure = writer.failure(e);
        // what the writer left in the collection was not deleted: keep it in the cache too, unless
        // the writer may have deleted it all the same (then a miss rather than an older value)
        List<Object> unsure = new ArrayList<>();
        byStoreKey.forEach((storeKey, key) -> {
          if (toDelete.contains(key)) {
            unsure.add(storeKey);
          }
        });
        writer.batchFailed(e, unsure, writeFailure);
        byStoreKey.values().removeAll(toDelete);
      }
    }
    Map<Object, StoreEntry> removed;
    try {
      removed = core.store.removeAll(byStoreKey.keySet());
    } catch (RuntimeException e) {
      writer.storeFailed(new ArrayList<>(byStoreKey.keySet()), e);
      throw e;
    }
    int live = 0;
    if (core.counting() || core.events.hasListeners()) {
      // a removal of what was present: an expired entry is reported as such, a corrupt one counted
      Outcome o = new Outcome();
      for (Map.Entry<Object, StoreEntry> r : removed.entrySet()) {
        K key = byStoreKey.get(r.getKey());
        presence.begin(o, r.getValue());
        completion.found(key, o);
        completion.removal(key, o);
        if (o.live != null) {
          live++;
        }
      }
    }
    if (core.counting() && live > 0) {
      completion.removed(live, start);
    }
    if (writeFailure != null) {
      throw writeFailure;
    }
  }
}
