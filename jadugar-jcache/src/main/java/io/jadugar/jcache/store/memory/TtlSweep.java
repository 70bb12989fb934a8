package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.store.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Drops the entries given a time to live of their own (through the vendor API) from a memory store
 * built without Caffeine's timers (its policy never expires entries, and timers would cost every
 * access): a sweeper thread scans the store's entries and drops each whose time and
 * {@link MemoryStore#GRACE_MILLIS} have passed, as Caffeine would, once a second, or, in a store of
 * more than {@link #ENTRIES_PER_SECOND} entries, once per that many entries, so that a scan costs
 * at most a few percent of a core. It scans only while the last scan found timed entries or a timed
 * entry was written since it began.
 *
 * <p>A timed write only reads a flag (and sets it, once per scan). Handing each timed entry to the
 * sweeper instead cost the write about as much as the write itself: reading the entry it replaced
 * (a cache miss) to skip the hand-over, or storing it in a shared array (a fenced claim and the
 * collector's barriers for an old array pointing at young entries) both made a timed put take about
 * twice a plain put's time.
 */
final class TtlSweep {

  /** How often the sweeper looks at a store: a timed entry is dropped within this of its time plus the scan period. */
  static final long TICK_MILLIS = 200;
  /** How often a store is scanned at the most. */
  static final long PERIOD_MILLIS = 1_000;
  /** How many entries a second the scans of one store read at the most. */
  static final long ENTRIES_PER_SECOND = 1_000_000;

  /** One daemon thread serves every memory store. */
  private static final ScheduledExecutorService SWEEPER =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jadugar-ttl-sweeper"));

  private final MemoryStore store;
  /** Whether a timed entry was written since the last scan began. */
  private volatile boolean written;
  private ScheduledFuture<?> ticking;
  private boolean closed;
  /** Scans run so far (for tests and metrics). */
  private final AtomicLong scans = new AtomicLong();

  // ---- the sweeper thread's own

  /** Whether the last scan found entries with a time of their own that has not come. */
  private boolean timedFound;
  private long nextScanAt;

  TtlSweep(MemoryStore store) {
    this.store = store;
  }

  /** An entry with its own time to live is written (before or after the write: the scan finds it either way). */
  void written() {
    if (!written) {
      written = true;
      start();
    }
  }

  private synchronized void start() {
    if (ticking == null && !closed) {
      ticking = SWEEPER.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the sweeps. */
  synchronized void close() {
    closed = true;
    if (ticking != null) {
      ticking.cancel(false);
    }
  }

  /** How many scans have run. */
  long scans() {
    return scans.get();
  }

  private void tick() {
    try {
      long now = System.currentTimeMillis();
      if (now < nextScanAt || (!written && !timedFound)) {
        return;
      }
      written = false; // before the scan: a timed write during it is seen by this scan or the next
      boolean found = false;
      long due = now - MemoryStore.GRACE_MILLIS;
      for (StoreEntry e : store.entries()) {
        long at = e.expireAt();
        if (at != StoreEntry.ETERNAL) {
          if (at <= due) {
            store.expire(e); // false if replaced meanwhile: the next scan looks at the new one
          } else {
            found = true;
          }
        }
      }
      timedFound = found;
      scans.incrementAndGet();
      nextScanAt = now + Math.max(PERIOD_MILLIS, store.estimatedSize() * 1_000 / ENTRIES_PER_SECOND);
    } catch (RuntimeException ex) {
      LoggerFactory.getLogger(MemoryStore.class).warn("Sweeping expired entries failed", ex);
    }
  }
}
