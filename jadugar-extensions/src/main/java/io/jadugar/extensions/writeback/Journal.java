package io.jadugar.extensions.writeback;

import io.jadugar.jcache.spi.WriterRecord;
import java.io.Closeable;
import java.util.List;

/**
 * Where a write-back keeps the changes the writer has not taken yet. It coalesces per key (a key
 * holds its latest change only), hands a key to one batch at a time (so the writer sees a key's
 * changes in order) and keeps dead letters. Every method is thread-safe.
 *
 * <p>A key's state: absent; <em>waiting</em> (fresh, or a retry whose time has come); <em>delayed</em>
 * (a retry before its time); <em>in flight</em> (claimed by a batch; a change appended meanwhile
 * waits until the batch is settled by {@link #done}, {@link #retry} or {@link #dead}).
 */
interface Journal extends Closeable {

  /**
   * Appends the changes ({@code values[i] == null} for a removal of {@code keys[i]}) and returns when
   * they are durable, with how many keys wait for a batch now.
   */
  long append(List<byte[]> keys, List<byte[]> values);

  /**
   * The record of a put of {@code value} under {@code key} that the cache's store can make with the
   * entry's write ({@link io.jadugar.jcache.spi.JournalingWriter}), appending it as {@link #append}
   * would, and answering how many keys wait; or {@code null} where this journal cannot be kept so. By
   * default {@code null}.
   */
  default WriterRecord record(byte[] key, byte[] value) {
    return null;
  }

  /**
   * {@code record}, made by {@link #record}, was declined: the store it was offered to is not where
   * the journal lives, or the journal's Redis lost what told it apart.
   */
  default void declined(WriterRecord record) {}

  /**
   * Claims up to {@code max} waiting keys, oldest first, for one batch: only when at least
   * {@code max} wait, or the oldest waiting change is {@code maxDelayMillis} old, or {@code force};
   * otherwise none.
   */
  List<Change> claim(int max, long nowMillis, long maxDelayMillis, boolean force);

  /** The writer took {@code changes}: each key is settled unless a newer change came meanwhile. */
  void done(List<Change> changes);

  /** The writer did not take {@code change}: try again at {@code dueMillis} (a newer change, if any, replaces it). */
  void retry(Change change, int attempts, long dueMillis);

  /** {@code change} failed for good: it becomes the key's dead letter, unless a newer change replaced it. */
  void dead(Change change, int attempts, String error);

  /** When a claim may next find something without new appends: the earliest retry or max-delay time, or {@link Long#MAX_VALUE}. */
  long nextDueMillis(long maxDelayMillis);

  /** The highest version appended so far. */
  long mark();

  /** Whether every change with a version up to {@code mark} was taken by the writer, dead-lettered or replaced by a later change that was. */
  boolean settledUpTo(long mark);

  /** What the journal holds now. */
  JournalCounts counts();

  /** The dead letters, oldest first. */
  List<DeadRecord> deadLetters();

  /**
   * Puts the dead letter of {@code key} with {@code version} back in the queue, as a new change;
   * false if there is no such dead letter. A dead letter whose key has a newer change waiting is
   * dropped instead (the newer change replaces it) and this returns true.
   */
  boolean replay(byte[] key, long version);

  /** Drops the dead letter of {@code key} with {@code version}; false if there is none. */
  boolean discard(byte[] key, long version);

  /** What the journal is, for messages: its file, or its server and name. */
  String describe();
}
