package io.jadugar.extensions.tags;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;

/**
 * Writes racing invalidations. Writers: tag {@code t}'s versions read first ({@link
 * TagManager#options}), then the current epoch (an untagged entry), then the entry {@code a<i>} with
 * that epoch as its value; and through the view, {@code b<i>}. The invalidator: epoch {@code n},
 * then invalidate {@code t}, then every {@code a<i>} still valid must hold an epoch of at least
 * {@code n} (it read the versions after invalidation n, so the epoch after that).
 */
final class TagRace {

  static final String TAG = "t";
  static final String EPOCH = "epoch";
  static final int KEYS = 20;

  private TagRace() {}

  /** Runs {@code threads} writers for {@code millis}; returns the number of writes. */
  static long write(TagManager<String, Long> tags, long millis, int threads) throws InterruptedException {
    JadugarCache<String, Long> cache = tags.cache();
    Cache<String, Long> view = tags.tags(TAG);
    AtomicLong writes = new AtomicLong();
    long end = System.nanoTime() + millis * 1_000_000;
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; System.nanoTime() < end; i++) {
          EntryOptions options = tags.options(TAG);
          Long epoch = cache.get(EPOCH);
          cache.put("a" + (i % KEYS), epoch, options);
          view.put("b" + (i % KEYS), cache.get(EPOCH));
          writes.addAndGet(2);
        }
      });
      thread.start();
      all.add(thread);
    }
    for (Thread thread : all) {
      thread.join();
    }
    return writes.get();
  }

  /**
   * Invalidates {@code rounds} times while writers run; returns a description of each entry found
   * valid with an epoch older than the invalidation before it (none, when tags hold).
   */
  static List<String> invalidate(TagManager<String, Long> tags, int rounds) {
    JadugarCache<String, Long> cache = tags.cache();
    Set<String> keys = keys("a");
    List<String> stale = new ArrayList<>();
    for (long n = 1; n <= rounds; n++) {
      cache.put(EPOCH, n);
      tags.invalidateTag(TAG);
      for (Map.Entry<String, Long> e : cache.getAll(keys).entrySet()) {
        if (e.getValue() < n) {
          stale.add(e.getKey() + "=" + e.getValue() + " valid after invalidation " + n);
        }
      }
    }
    return stale;
  }

  /** The race's keys with {@code prefix}. */
  static Set<String> keys(String prefix) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < KEYS; i++) {
      keys.add(prefix + i);
    }
    return keys;
  }
}
