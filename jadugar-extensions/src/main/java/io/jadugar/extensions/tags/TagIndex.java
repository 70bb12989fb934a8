package io.jadugar.extensions.tags;

import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.expiry.ExpiryPolicy;

/**
 * Which keys were written with which tag: one index entry per (tag, key), living as long as the
 * entry it was written for, so its memory goes when the entries do (no ever-growing set per tag,
 * laravel issue 43850). An index entry is a hint: {@link #keys} reads every entry it names and
 * keeps only those that carry the tag, dropping the hints that no longer hold.
 *
 * @param <K> the key type of the tagged cache
 */
final class TagIndex<K> {

  private final JadugarCache<Object, Long> index;
  /** How long an entry written without its own TTL lives at most, or {@code null} for ever. */
  private final Duration policyTtl;

  /** An index in {@code index} for a cache whose entries expire as {@code policy} says. */
  TagIndex(JadugarCache<Object, Long> index, ExpiryPolicy policy) {
    this.index = index;
    this.policyTtl = longest(policy);
  }

  /** The longest time an entry can live after a write under {@code policy}; null for ever. */
  private static Duration longest(ExpiryPolicy policy) {
    long millis = 0;
    for (javax.cache.expiry.Duration d : new javax.cache.expiry.Duration[] {
        policy.getExpiryForCreation(), policy.getExpiryForUpdate(), policy.getExpiryForAccess()}) {
      if (d == null) {
        continue;
      }
      if (d.isEternal()) {
        return null;
      }
      millis = Math.max(millis, d.getTimeUnit().toMillis(d.getDurationAmount()));
    }
    // an access can extend an entry beyond this; keysByTag then misses it until it is written again
    return Duration.ofMillis(Math.max(1, millis));
  }

  /** The index key of {@code key} under the tag of metadata name {@code name}. */
  private static List<Object> indexKey(String name, Object key) {
    List<Object> k = new ArrayList<>(2);
    k.add(name);
    k.add(key);
    return k;
  }

  /** Records that each of {@code keys} was just written with each of {@code names}, with {@code options}' TTL. */
  void add(Collection<? extends K> keys, Collection<String> names, EntryOptions options) {
    Duration ttl = options.ttl() != null ? options.ttl() : policyTtl;
    Map<Object, Long> hints = new HashMap<>();
    for (K key : keys) {
      for (String name : names) {
        // a fresh token per write: a stale hint is dropped only if nobody rewrote it meanwhile
        hints.put(indexKey(name, key), TagVersions.fresh());
      }
    }
    index.putAll(hints, ttl == null ? EntryOptions.NONE : EntryOptions.ttl(ttl));
  }

  /**
   * The live keys that carry the tag of metadata name {@code name}: the index's hints for it, each
   * confirmed by reading its entry (present, valid, and carrying the tag).
   */
  @SuppressWarnings("unchecked")
  Set<K> keys(String name, JadugarCache<K, ?> cache) {
    Map<K, Long> hints = new HashMap<>();
    for (Cache.Entry<Object, Long> e : index) {
      if (e.getKey() instanceof List<?> k && k.size() == 2 && name.equals(k.get(0))) {
        hints.put((K) k.get(1), e.getValue());
      }
    }
    Set<K> live = new LinkedHashSet<>();
    for (Map.Entry<K, Long> hint : hints.entrySet()) {
      EntryInfo<K, ?> info = cache.getEntry(hint.getKey());
      if (info != null && TagVersions.namesIn(info.metadata()).contains(name)) {
        live.add(hint.getKey());
      } else {
        // conditional: a write that indexed the key again since we read the hint keeps its own
        index.remove(indexKey(name, hint.getKey()), hint.getValue());
      }
    }
    return live;
  }
}
