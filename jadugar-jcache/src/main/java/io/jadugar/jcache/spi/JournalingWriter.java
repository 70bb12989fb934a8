package io.jadugar.jcache.spi;

import javax.cache.integration.CacheWriter;

/**
 * A {@link CacheWriter} that can keep a put as a record on the cache's own store, made with the
 * entry's write in one atomic step ({@link Store#putRecorded}) instead of a call of its own: the
 * write-back whose journal lives on the cache's Redis. Because the record and the entry land
 * together, the writer hears of the cache's puts of a key in the order the store committed them
 * without the key's lock, and a write that timed out left neither or both (a script that failed
 * between them left the record alone, and the engine then drops the entry).
 *
 * <p>The engine offers it only plain puts that need nothing of the entry they replace, on a store
 * that {@link Store#recordsWrites records writes}; everything else reaches the writer through its
 * {@link CacheWriter} methods, under the key's lock.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface JournalingWriter<K, V> extends CacheWriter<K, V> {

  /**
   * The record of a put of {@code value} under {@code key}, or {@code null} to hear of it through
   * {@link #write} instead.
   */
  WriterRecord recordPut(K key, V value);

  /** The store made {@code record} with the entry's write; {@code reply} is what its script answered. */
  void recorded(WriterRecord record, Object reply);

  /** {@code record}'s guard declined the store; the put goes through {@link #write} instead. */
  void declined(WriterRecord record);
}
