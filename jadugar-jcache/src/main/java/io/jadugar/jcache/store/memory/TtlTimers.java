package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.store.DaemonThreads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The timers of a memory store built without Caffeine's (its policy never expires entries) for the
 * entries given their own time to live through the vendor API: each is dropped
 * {@link MemoryStore#GRACE_MILLIS} after its time, on a sweeper thread, as Caffeine would.
 *
 * <p>A write hands its entry over through a queue and goes on: one queue node, nothing else on the
 * writing thread, and nothing at all when it replaces an entry whose time to live ends no later than
 * its own (the key's timer comes for that one first, and then finds this one). Every
 * {@link #DRAIN_MILLIS} the sweeper thread files the entries handed over into its own timers, one
 * per key, in buckets of a second; when a key's second comes, it looks up the entry the key holds
 * now and drops it if that entry's time (and grace) has passed, else files it again at that entry's
 * time. So a timer holds a key, never an entry: an entry replaced or removed meanwhile is neither
 * kept alive nor removed, and a key written a million times has one timer. The queue is drained
 * often so that its nodes die young (the sweep of weakly held entries this replaces kept a node and
 * a weak reference per write for up to a second, and the collector paid for both: about 2.5 times
 * a plain put); the timers of keys that left the store are pruned whenever the timers have doubled
 * since the last pruning (and number over 1,024).
 *
 * <p>Filing, sweeping and pruning run on the one sweeper thread; {@link #written} on the writer's.
 */
final class TtlTimers {

  /** How often the sweeper files what was written and drops what is due. */
  static final long DRAIN_MILLIS = 20;

  /** One daemon thread serves the timers of every memory store. */
  private static final ScheduledExecutorService SWEEPER =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jadugar-ttl-sweeper"));

  private final MemoryStore store;
  /** Entries with their own time to live, handed over since the last drain. */
  private final ConcurrentLinkedQueue<StoreEntry> handedOver = new ConcurrentLinkedQueue<>();
  private volatile ScheduledFuture<?> sweeping;
  private boolean closed;

  // ---- the sweeper thread's own

  /** The second each timed key is filed under; a filing under another second is stale. */
  private final Map<Object, Due> due = new HashMap<>();
  /** Keys by the second (epoch) from which their entry may be due. */
  private final TreeMap<Long, List<Object>> seconds = new TreeMap<>();
  /** Above this many timers, the ones of keys no longer timed in the store are pruned. */
  private int pruneAbove = 1024;

  /** The second a key is filed under, mutable so that filing it again costs no new object. */
  private static final class Due {
    long second;

    Due(long second) {
      this.second = second;
    }
  }

  TtlTimers(MemoryStore store) {
    this.store = store;
  }

  /**
   * {@code entry}, which has its own time to live, was just written in place of {@code replaced}
   * ({@code null} if none): it is dropped on time unless replaced. A timer is a key's, and looks at
   * whatever the key holds when it is due: if {@code replaced} had a time to live no later than
   * {@code entry}'s, the timer that drops it (or its hand-over, still queued) comes first and then
   * finds {@code entry}, so nothing needs handing over.
   */
  void written(StoreEntry entry, StoreEntry replaced) {
    if (replaced != null && replaced.expireAt() <= entry.expireAt()) {
      return;
    }
    handedOver.offer(entry);
    if (sweeping == null) {
      start();
    }
  }

  private synchronized void start() {
    if (sweeping == null && !closed) {
      sweeping = SWEEPER.scheduleWithFixedDelay(this::sweep, DRAIN_MILLIS, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the timers; what they hold is forgotten. */
  synchronized void close() {
    closed = true;
    ScheduledFuture<?> s = sweeping;
    if (s != null) {
      s.cancel(false);
    }
    handedOver.clear();
    // the sweeper's own maps are dropped with this object; a sweep already running finds the store closed
  }

  /** How many keys have a timer now, as the sweeper thread sees it (for tests). */
  int size() {
    try {
      return SWEEPER.submit(due::size).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first second at which an entry expiring at {@code expireAt} is due (grace included). */
  private static long dueSecond(long expireAt) {
    long at = expireAt > Long.MAX_VALUE - MemoryStore.GRACE_MILLIS ? Long.MAX_VALUE : expireAt + MemoryStore.GRACE_MILLIS;
    return Math.floorDiv(at, 1000) + (Math.floorMod(at, 1000) == 0 ? 0 : 1);
  }

  private void sweep() {
    try {
      StoreEntry e;
      while ((e = handedOver.poll()) != null) {
        file(e.key(), dueSecond(e.expireAt()));
      }
      long now = System.currentTimeMillis();
      long second = Math.floorDiv(now, 1000);
      Map.Entry<Long, List<Object>> bucket;
      while ((bucket = seconds.firstEntry()) != null && bucket.getKey() <= second) {
        seconds.pollFirstEntry();
        for (Object key : bucket.getValue()) {
          expire(key, bucket.getKey(), now);
        }
      }
      if (due.size() > pruneAbove) {
        prune();
      }
    } catch (RuntimeException ex) {
      LoggerFactory.getLogger(MemoryStore.class).warn("Sweeping expired entries failed", ex);
    }
  }

  /** Files {@code key} under {@code second}, unless it is filed earlier: then that filing looks again. */
  private void file(Object key, long second) {
    Due d = due.get(key);
    if (d == null) {
      due.put(key, new Due(second));
    } else if (second < d.second) {
      d.second = second; // the later filing is now stale
    } else {
      return;
    }
    seconds.computeIfAbsent(second, s -> new ArrayList<>()).add(key);
  }

  /** The timer of {@code key}, filed under {@code second}, is due at {@code now}. */
  private void expire(Object key, long second, long now) {
    Due d = due.get(key);
    if (d == null || d.second != second) {
      return; // filed again earlier, or forgotten
    }
    StoreEntry current = store.quietly(key);
    while (current != null && current.expireAt() != StoreEntry.ETERNAL
        && current.expireAt() + MemoryStore.GRACE_MILLIS <= now) {
      // a write that replaced it meanwhile may have relied on this timer: look at what it wrote
      current = store.expire(current) ? null : store.quietly(key);
    }
    if (current == null || current.expireAt() == StoreEntry.ETERNAL) {
      due.remove(key);
    } else {
      // written again since with a later time: look again then
      d.second = dueSecond(current.expireAt());
      seconds.computeIfAbsent(d.second, s -> new ArrayList<>()).add(key);
    }
  }

  /** Forgets the timers of keys that are gone from the store or no longer have a time to live. */
  private void prune() {
    for (Iterator<Map.Entry<Object, Due>> it = due.entrySet().iterator(); it.hasNext();) {
      StoreEntry current = store.quietly(it.next().getKey());
      if (current == null || current.expireAt() == StoreEntry.ETERNAL) {
        it.remove();
      }
    }
    for (Iterator<Map.Entry<Long, List<Object>>> it = seconds.entrySet().iterator(); it.hasNext();) {
      Map.Entry<Long, List<Object>> bucket = it.next();
      long second = bucket.getKey();
      bucket.getValue().removeIf(key -> {
        Due d = due.get(key);
        return d == null || d.second != second;
      });
      if (bucket.getValue().isEmpty()) {
        it.remove();
      }
    }
    pruneAbove = Math.max(1024, 2 * due.size());
  }
}
