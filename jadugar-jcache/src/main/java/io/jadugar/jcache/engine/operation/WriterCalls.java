package io.jadugar.jcache.engine.operation;

import io.jadugar.jcache.engine.core.CacheEntry;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Outcome;
import io.jadugar.jcache.spi.KeyLock;
import io.jadugar.jcache.spi.StoreEntry;
import java.util.function.UnaryOperator;
import javax.cache.integration.CacheWriterException;

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

  private final CacheCore<K, V> core;

  /** The writer calls of the cache of {@code core}. */
  public WriterCalls(CacheCore<K, V> core) {
    this.core = core;
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
        throw failure(e);
      }
      o.sentToWriter = DELETED;
    }
  }

  /**
   * Runs a compute that may tell the writer. On a store whose compute may retry, it runs under the
   * key's lock (across JVMs), so that no other writing operation's attempt interleaves with it.
   * Without a writer, or on a store that computes once, it is the plain compute: nothing to pay.
   */
  public void compute(Object storeKey, UnaryOperator<StoreEntry> function) {
    if (core.writer == null || core.computesOnce) {
      core.store.compute(storeKey, function);
      return;
    }
    try (KeyLock lock = core.store.lock(storeKey)) {
      core.store.compute(storeKey, function);
    }
  }

  /** {@code e} as the spec wants a writer's failure, counted. */
  public CacheWriterException failure(Exception e) {
    core.statistics.writerError();
    return e instanceof CacheWriterException ? (CacheWriterException) e : new CacheWriterException(e);
  }
}
