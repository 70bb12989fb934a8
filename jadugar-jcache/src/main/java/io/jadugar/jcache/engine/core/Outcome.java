package io.jadugar.jcache.engine.core;

import io.jadugar.jcache.processor.ProcessorEntry;
import io.jadugar.jcache.spi.StoreEntry;

/**
 * What one compute found and did. {@link Presence#begin} resets it at the start of each attempt,
 * because a store may retry the function; only {@link #sentToWriter} spans attempts.
 */
public final class Outcome {

  /** What one compute changes in the store. */
  public enum Change { NONE, CREATED, UPDATED, REMOVED }

  /** The entry found, if it had expired (or a validity check refused it). */
  public StoreEntry expired;
  /** The entry found, if its bytes did not decode. */
  public StoreEntry corrupt;
  /** The entry found, if live. */
  public StoreEntry live;
  /** The live entry's value, once decoded. */
  public Object liveValue;
  /** What the attempt changes. */
  public Change change = Change.NONE;
  /** The value the attempt writes. */
  public Object newValue;
  /** An entry processor's result. */
  public Object result;
  /** An entry processor's view of the entry. */
  public ProcessorEntry<?, ?> processed;
  /** What this operation has told the writer, over all its attempts. */
  public Object sentToWriter;

  void reset() {
    expired = null;
    corrupt = null;
    live = null;
    liveValue = null;
    change = Change.NONE;
    newValue = null;
    result = null;
    processed = null;
  }

  /** Records that the attempt writes {@code value} (a creation unless a live entry was there); returns {@code next}. */
  public StoreEntry writes(Object value, StoreEntry next) {
    change = live == null ? Change.CREATED : Change.UPDATED;
    newValue = value;
    return next;
  }

  /** Records that the attempt removes the entry (a removal only if a live one was there); returns null. */
  public StoreEntry removes() {
    change = live == null ? Change.NONE : Change.REMOVED;
    return null;
  }
}
