package io.jadugar.jcache.engine.operation;

import io.jadugar.jcache.engine.core.CacheEntry;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Outcome;
import io.jadugar.jcache.spi.JournalingWriter;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.OutcomeUnknownException;
import io.jadugar.jcache.spi.RecordedWrite;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.WriterRecord;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import javax.cache.integration.CacheWriterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's calls from inside a compute: each committed change reaches the writer once, before
 * it commits, in commit order per key; a writer that fails leaves the cache unchanged.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class WriterCalls<K, V> {

  /** What {@link Outcome#sentToWriter} holds after a delete. */
  private static final Object DELETED = new Object();

  private static final Logger LOG = LoggerFactory.getLogger(WriterCalls.class);

  private final CacheCore<K, V> core;
  /** The writer, when it keeps puts as records on this cache's store; else null. */
  private final JournalingWriter<K, V> recorder;
  /** Keys whose writer heard a change that the store may not hold, and whose entry is still to drop. */
  private final Set<Object> unsettled = ConcurrentHashMap.newKeySet();

  /** The writer calls of the cache of {@code core}. */
  public WriterCalls(CacheCore<K, V> core) {
    this.core = core;
    this.recorder = core.writer instanceof JournalingWriter<K, V> r && core.store.recordsWrites() ? r : null;
  }

  /**
   * Tells the writer of {@code value} unless this operation already did on an attempt that lost a
   * race (the store retried the compute).
   */
  public void write(Outcome o, K key, V value) {
    if (core.writer != null && (o.sentToWriter == null || !o.sentToWriter.equals(value))) {
      try {
        core.writer.write(new CacheEntry<>(key, value));
      } catch (Exception e) {
        if (mayHaveTaken(e)) {
          o.sentToWriter = value; // the entry is dropped on the way out, not left older than the writer's
        }
        throw failure(e);
      }
      o.sentToWriter = value;
    }
  }

  /** Tells the writer of the removal of {@code key}, once per operation. */
  public void delete(Outcome o, K key) {
    if (core.writer != null && o.sentToWriter != DELETED) {
      try {
        core.writer.delete(key);
      } catch (Exception e) {
        if (mayHaveTaken(e)) {
          o.sentToWriter = DELETED;
        }
        throw failure(e);
      }
      o.sentToWriter = DELETED;
    }
  }

  /**
   * Runs a compute that may tell the writer, under the key's lock ({@link io.jadugar.jcache.spi.Store#lock}:
   * across JVMs on a remote store), so that no other writing operation's attempt, and no batch
   * holding the key, interleaves with it. Without a writer it is the plain compute: nothing to pay.
   *
   * <p>If the store fails after the writer heard of the change (a server lost mid-commit), the
   * writer's side may be newer than the cache's: the entry is dropped rather than left stale, and
   * if the store cannot be reached to drop it, it is dropped before the next write of this cache.
   */
  public void compute(Outcome o, Object storeKey, UnaryOperator<StoreEntry> function) {
    if (core.writer == null) {
      core.store.compute(storeKey, function);
      return;
    }
    locked(o, storeKey, () -> core.store.compute(storeKey, function));
  }

  /** Runs {@code commit} under the lock of {@code storeKey}, dropping the entry if the store fails after the writer heard. */
  private void locked(Outcome o, Object storeKey, Runnable commit) {
    settle();
    try (KeyLock lock = core.store.lock(storeKey)) {
      try {
        commit.run();
      } catch (RuntimeException e) {
        if (o.sentToWriter != null) {
          drop(List.of(storeKey), e);
        }
        throw e;
      }
    }
  }

  /**
   * A put that needs nothing of the entry it replaces: under the key's lock, the writer hears of it,
   * then the store writes it blindly (no read, no compare-and-set: nobody else writes the key while
   * the lock is held). Only with a writer, on a store whose {@link io.jadugar.jcache.spi.Store#lock}
   * excludes every other writing operation (one whose compute retries).
   */
  public void put(K key, V value, StoreEntry entry) {
    if (recorder != null && putRecorded(key, value, entry)) {
      return;
    }
    Outcome o = new Outcome();
    locked(o, entry.key(), () -> {
      write(o, key, value);
      core.store.put(entry);
    });
  }

  /**
   * The put as the writer's record, made by the store with the entry's write: one atomic step, no
   * lock (the store does nothing while another operation holds the key's lock, whose writer calls
   * and commits then keep their order with this one). False if nothing was written: the put then
   * goes the locked way. A failure may have left the record without the entry (the store makes it
   * first): the entry is dropped, as when a store fails after the writer heard.
   */
  private boolean putRecorded(K key, V value, StoreEntry entry) {
    WriterRecord record = recorder.recordPut(key, value);
    if (record == null) {
      return false;
    }
    settle();
    RecordedWrite done;
    try {
      done = core.store.putRecorded(entry, record);
    } catch (RuntimeException e) {
      drop(List.of(entry.key()), e);
      throw e;
    }
    switch (done.outcome()) {
      case WRITTEN -> recorder.recorded(record, done.reply());
      case DECLINED -> recorder.declined(record);
      case LOCKED -> { } // another operation holds the key: wait for it, the locked way
    }
    return done.outcome() == RecordedWrite.Outcome.WRITTEN;
  }

  /**
   * With a writer, the locks of all of {@code storeKeys} ({@link io.jadugar.jcache.spi.Store#lockAll}),
   * for a batch that tells the writer and then writes the store: each key's writer call and commit
   * then keep their order with every single-key operation's. Without a writer, nothing is held.
   */
  public KeyLock lockAll(Collection<?> storeKeys) {
    if (core.writer == null) {
      return KeyLock.NONE;
    }
    settle();
    return core.store.lockAll(storeKeys);
  }

  /**
   * The store failed with {@code cause} while writing {@code storeKeys} after the writer heard of
   * them: they are dropped as in {@link #compute}.
   */
  public void storeFailed(Collection<?> storeKeys, RuntimeException cause) {
    if (core.writer != null && !storeKeys.isEmpty()) {
      drop(storeKeys, cause);
    }
  }

  private void drop(Collection<?> storeKeys, RuntimeException cause) {
    try {
      core.store.removeAll(storeKeys);
    } catch (RuntimeException e) {
      unsettled.addAll(storeKeys);
      cause.addSuppressed(e);
      LOG.warn("Cache {}: the writer has a change the store may not hold, and the store could not drop the "
          + "entry now; it is dropped before this cache's next write", core.name);
    }
  }

  /**
   * Drops the entries left unsettled by a failed store, before a write; stops at the first that still
   * fails. Nothing to do (one test, no iterator) in the usual case.
   */
  private void settle() {
    if (unsettled.isEmpty()) {
      return;
    }
    for (Object key : unsettled) {
      try {
        core.store.remove(key);
      } catch (RuntimeException e) {
        return; // the store is still away: the next write tries again
      }
      unsettled.remove(key);
    }
  }

  /**
   * Whether a writer's failure says it may have taken the change all the same (a timeout: it was
   * sent, not confirmed): it is, or is caused by, an {@link OutcomeUnknownException}. The cache
   * then drops the key's entry instead of keeping it unchanged, which could be older than what the
   * writer holds; a miss is never stale.
   */
  private static boolean mayHaveTaken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutcomeUnknownException) {
        return true;
      }
    }
    return false;
  }

  /**
   * A batch's writer failed with {@code e} on the keys of {@code storeKeys}, which the cache keeps as
   * they were: if the writer may have taken them all the same ({@link #mayHaveTaken}), they are
   * dropped as in {@link #compute}.
   */
  public void batchFailed(Exception e, Collection<?> storeKeys, RuntimeException failure) {
    if (mayHaveTaken(e)) {
      storeFailed(storeKeys, failure);
    }
  }

  /** {@code e} as the spec wants a writer's failure, counted. */
  public CacheWriterException failure(Exception e) {
    core.statistics.writerError();
    return e instanceof CacheWriterException ? (CacheWriterException) e : new CacheWriterException(e);
  }
}
