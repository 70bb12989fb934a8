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
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * The timers of a memory store built without Caffeine's (its policy never expires entries) for the
 * entries given their own time to live through the vendor API: each is dropped
 * {@link MemoryStore#GRACE_MILLIS} after its time, on a sweeper thread, as Caffeine would.
 *
 * <p>A write hands its entry over, with the entry it replaced, and goes on: it claims a slot of a
 * preallocated {@link HandOver} array and fills it, and reads neither entry. (It used to read the
 * replaced entry's time itself, to skip the hand-over when that time was no later than its own, and
 * that read, a cache miss, made a timed put take 2.1 times a plain put's time.) The sweeper thread
 * makes that decision: every {@link #DRAIN_MILLIS}, or at once when writes have filled a quarter of
 * the array, it drains the array and files each entry whose replaced entry (if any) has a later time
 * into its own timers, one per key, in buckets of a second; the others need nothing, as the key's
 * timer comes for the replaced one first and then finds the new one. When a key's second comes, the
 * sweeper looks up the entry the key holds now and drops it if that entry's time (and grace) has
 * passed, else files it again at that entry's time. So a timer holds a key, never an entry: an entry
 * replaced or removed meanwhile is neither kept alive nor removed, and a key written a million times
 * has one timer. A write that finds the array full (the sweeper is behind) makes the decision
 * itself and hands an entry that needs filing over through an unbounded queue (a node per write).
 * The timers of keys that left the store are pruned whenever the timers have doubled since the last
 * pruning (and number over 1,024).
 *
 * <p>Filing, sweeping and pruning run on the one sweeper thread; {@link #written} on the writer's.
 */
final class TtlTimers {

  /** How often the sweeper files what was written and drops what is due. */
  static final long DRAIN_MILLIS = 20;

  /** One daemon thread serves the timers of every memory store. */
  private static final ScheduledExecutorService SWEEPER =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jadugar-ttl-sweeper"));

  /** Slots of the hand-over array: about 20 ms of writes at 800k timed puts a second, 64 KB. */
  static final int HAND_OVER_SLOTS = 16_384;

  private final MemoryStore store;
  /** Entries with their own time to live and what they replaced, handed over since the last drain; made on the first. */
  private volatile HandOver<StoreEntry> handedOver;
  /** What did not fit in {@link #handedOver}: entries that must be filed. */
  private final ConcurrentLinkedQueue<StoreEntry> overflow = new ConcurrentLinkedQueue<>();
  /** Whether a drain out of turn is asked for and not yet run. */
  private final AtomicBoolean drainAsked = new AtomicBoolean();
  private ScheduledFuture<?> sweeping;
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
   * ({@code null} if none, or not known): it is dropped on time unless replaced.
   */
  void written(StoreEntry entry, StoreEntry replaced) {
    HandOver<StoreEntry> h = handedOver;
    if (h == null) {
      h = start();
    }
    int taken = h.offer(entry, replaced);
    if (taken == 0) {
      // the sweeper is behind: decide here (reading the replaced entry) rather than add to its work
      if (replaced == null || replaced.expireAt() > entry.expireAt()) {
        overflow.offer(entry);
      }
      askDrain();
    } else if (taken > HAND_OVER_SLOTS / 4) {
      askDrain(); // writes outrun the periodic drain: drain now, before the array fills
    }
  }

  private void askDrain() {
    if (!drainAsked.get() && drainAsked.compareAndSet(false, true)) {
      SWEEPER.execute(this::sweep);
    }
  }

  private synchronized HandOver<StoreEntry> start() {
    if (handedOver == null) {
      handedOver = new HandOver<>(HAND_OVER_SLOTS);
      if (!closed) {
        sweeping = SWEEPER.scheduleWithFixedDelay(this::sweep, DRAIN_MILLIS, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
    return handedOver;
  }

  /** Stops the timers; what they hold is forgotten. */
  synchronized void close() {
    closed = true;
    if (sweeping != null) {
      sweeping.cancel(false);
    }
    overflow.clear();
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
      drainAsked.set(false);
      HandOver<StoreEntry> h = handedOver;
      if (h != null) {
        h.drain(this::file);
      }
      StoreEntry e;
      while ((e = overflow.poll()) != null) {
        file(e);
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

  private void file(StoreEntry e) {
    file(e.key(), dueSecond(e.expireAt()));
  }

  /** Files {@code e}, written in place of {@code replaced}, unless the key's timer for that one comes first. */
  private void file(StoreEntry e, StoreEntry replaced) {
    if (replaced == null || replaced.expireAt() > e.expireAt()) {
      file(e);
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
