package io.jadugar.extensions.writeback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.integration.CacheWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes batches from the journal and hands them to the writer: one thread claims, up to
 * {@code batchesInFlight} threads write. The journal never hands a key to two batches at once, so
 * batches in flight together hold different keys and each key's changes reach the writer in order.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Dispatcher<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  /** How long the claiming thread sleeps at most with nothing due: a journal shared with other JVMs may get work meanwhile. */
  private static final long IDLE_MILLIS = 200;
  /** How often flush() looks at the journal at the least. */
  private static final long FLUSH_POLL_MILLIS = 50;

  private final String name;
  private final Journal journal;
  private final CacheWriter<K, V> writer;
  private final Function<byte[], Object> decode;
  private final int batchSize;
  private final long maxDelayMillis;
  private final int batchesInFlight;
  private final int maxAttempts;
  private final long backoffMillis;
  private final long backoffMaxMillis;
  private final ExecutorService writers;
  private final Thread claimer;

  /** Wakes the claiming thread; a permit given while it is busy is kept, so no wake-up is lost. */
  private final Semaphore wakeups = new Semaphore(0);
  /** Signalled when a batch ends, for flush(). */
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition batchEnded = lock.newCondition();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger flushing = new AtomicInteger();
  private volatile boolean stopping;
  /** True while the claiming thread may sleep with nothing due: the next append must wake it. */
  private volatile boolean idle = true;

  private final LongAdder retries = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder writeAllCalls = new LongAdder();
  private final LongAdder writeAllEntries = new LongAdder();
  private final LongAdder deleteAllCalls = new LongAdder();
  private final LongAdder deleteAllEntries = new LongAdder();

  Dispatcher(String name, Journal journal, CacheWriter<K, V> writer, Function<byte[], Object> decode, int batchSize,
      long maxDelayMillis, int batchesInFlight, int maxAttempts, Duration backoff, Duration backoffMax) {
    this.name = name;
    this.journal = journal;
    this.writer = writer;
    this.decode = decode;
    this.batchSize = batchSize;
    this.maxDelayMillis = maxDelayMillis;
    this.batchesInFlight = batchesInFlight;
    this.maxAttempts = maxAttempts;
    this.backoffMillis = backoff.toMillis();
    this.backoffMaxMillis = backoffMax.toMillis();
    AtomicInteger n = new AtomicInteger();
    this.writers = Executors.newFixedThreadPool(batchesInFlight, r -> {
      Thread t = new Thread(r, "jadugar-write-back-" + name + "-writer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.claimer = new Thread(this::claimLoop, "jadugar-write-back-" + name);
    claimer.setDaemon(true);
  }

  void start() {
    claimer.start();
  }

  /** Changes were appended and {@code waiting} keys now wait: wakes the claiming thread if a batch is full or it sleeps with nothing due. */
  void appended(long waiting) {
    if (idle || waiting >= batchSize) {
      wake();
    }
  }

  private void wake() {
    if (wakeups.availablePermits() == 0) {
      wakeups.release();
    }
  }

  private void claimLoop() {
    try {
      while (!stopping) {
        wakeups.drainPermits();
        idle = true; // before claiming: an append from now on wakes us, so none is missed
        long wait = IDLE_MILLIS;
        if (running.get() < batchesInFlight) {
          long now = System.currentTimeMillis();
          List<Change> batch;
          try {
            batch = journal.claim(batchSize, now, maxDelayMillis, flushing.get() > 0);
            if (!batch.isEmpty()) {
              idle = false;
              running.incrementAndGet();
              writers.execute(() -> run(batch));
              continue;
            }
            long due = journal.nextDueMillis(maxDelayMillis);
            if (due != Long.MAX_VALUE) {
              idle = false;
              wait = Math.min(wait, Math.max(1, due - now));
            }
          } catch (RuntimeException e) {
            LOG.warn("Write-back '{}': reading the journal {} failed, trying again: {}", name, journal.describe(),
                e.toString());
            wait = 1000;
          }
        }
        wakeups.tryAcquire(wait, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(List<Change> batch) {
    try {
      deliver(batch);
    } finally {
      running.decrementAndGet();
      wake();
      lock.lock();
      try {
        batchEnded.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Hands one batch to the writer and settles each change in the journal. */
  @SuppressWarnings("unchecked")
  private void deliver(List<Change> batch) {
    Map<Object, Change> puts = new IdentityHashMap<>();
    Map<Object, Change> deletes = new IdentityHashMap<>();
    List<Cache.Entry<? extends K, ? extends V>> entries = new ArrayList<>();
    List<Object> keys = new ArrayList<>();
    for (Change c : batch) {
      try {
        K key = (K) decode.apply(c.key());
        if (c.isDelete()) {
          keys.add(key);
          deletes.put(key, c);
        } else {
          WriteBackEntry<K, V> e = new WriteBackEntry<>(key, (V) decode.apply(c.value()), c.version());
          entries.add(e);
          puts.put(e, c);
        }
      } catch (RuntimeException e) {
        // retrying cannot help: the bytes are what they are
        settle(c, maxAttempts, "the journal's bytes did not decode: " + e);
      }
    }
    if (!entries.isEmpty()) {
      writeAllCalls.increment();
      writeAllEntries.add(entries.size());
      Throwable failure = call(() -> writer.writeAll(entries));
      finish(puts, entries, failure, "writeAll");
    }
    if (!keys.isEmpty()) {
      deleteAllCalls.increment();
      deleteAllEntries.add(keys.size());
      Throwable failure = call(() -> writer.deleteAll(keys));
      finish(deletes, keys, failure, "deleteAll");
    }
  }

  private static Throwable call(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) { // an Error too: the changes must be settled or they stay in flight for good
      return t;
    }
  }

  /** Settles a batch: after a failure, what is still in {@code remaining} (JSR-107: what the writer did not take) failed. */
  private void finish(Map<Object, Change> sent, Collection<?> remaining, Throwable failure, String call) {
    Set<Object> failed = Collections.newSetFromMap(new IdentityHashMap<>());
    if (failure != null) {
      failed.addAll(remaining);
      if (failure instanceof Error && !(failure instanceof AssertionError)) {
        LOG.error("Write-back '{}': the writer's {} threw an Error", name, call, failure);
      }
    }
    String error = failure == null ? null : call + " failed: " + describe(failure);
    List<Change> done = new ArrayList<>(sent.size());
    try {
      for (Map.Entry<Object, Change> e : sent.entrySet()) {
        if (failed.contains(e.getKey())) {
          settle(e.getValue(), e.getValue().attempts() + 1, error);
        } else {
          done.add(e.getValue());
        }
      }
      journal.done(done);
    } catch (RuntimeException ex) {
      // what is not settled stays in flight in the journal: its lease (Redis) or the next start delivers it again
      LOG.warn("Write-back '{}': settling changes in {} failed: {}", name, journal.describe(), ex.toString());
    }
  }

  private void settle(Change c, int attempts, String error) {
    if (attempts >= maxAttempts) {
      journal.dead(c, attempts, error);
      deadLettered.increment();
      LOG.warn("Write-back '{}': a change (version {}) failed {} times and is now a dead letter: {}", name,
          c.version(), attempts, error);
    } else {
      retries.increment();
      journal.retry(c, attempts, System.currentTimeMillis() + backoff(attempts));
    }
  }

  /** Exponential backoff with equal jitter: half the doubled delay fixed, half random, so retries of many keys spread out. */
  long backoff(int attempts) {
    long d = backoffMillis << Math.min(attempts - 1, 30);
    d = Math.min(d < 0 ? Long.MAX_VALUE : d, backoffMaxMillis);
    return d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
  }

  private static String describe(Throwable t) {
    StringBuilder b = new StringBuilder(t.toString());
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      b.append("; caused by ").append(c);
      t = c;
    }
    return b.toString();
  }

  /** Waits until everything appended before the call is settled; false if {@code timeout} passed first. */
  boolean flush(Duration timeout) throws InterruptedException {
    long mark = journal.mark();
    if (timeout.isZero()) {
      return journal.settledUpTo(mark); // no time to send anything: close() with a zero timeout leaves all in the journal
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    flushing.incrementAndGet();
    wake();
    try {
      while (!journal.settledUpTo(mark)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.lock();
        try {
          // batches signal when they end; a journal shared with other JVMs settles without telling us
          batchEnded.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(FLUSH_POLL_MILLIS)), TimeUnit.NANOSECONDS);
        } finally {
          lock.unlock();
        }
      }
      return true;
    } finally {
      flushing.decrementAndGet();
    }
  }

  /** Stops claiming and waits up to {@code timeout} for the batches at the writer. */
  void stop(Duration timeout) {
    stopping = true;
    wake();
    try {
      claimer.join(); // it claims no more: every batch it claimed is with the writers
      writers.shutdown();
      if (!writers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Write-back '{}': batches still at the writer after {}; they stay in the journal {}", name, timeout,
            journal.describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  WriteBackStats stats(JournalCounts counts) {
    Duration age = counts.pending() == 0 ? Duration.ZERO
        : Duration.ofMillis(Math.max(0, System.currentTimeMillis() - counts.oldestMillis()));
    return new WriteBackStats(counts.pending(), counts.inFlight(), age, retries.sum(), deadLettered.sum(),
        counts.deadLetters(), writeAllCalls.sum(), writeAllEntries.sum(), deleteAllCalls.sum(), deleteAllEntries.sum());
  }
}
