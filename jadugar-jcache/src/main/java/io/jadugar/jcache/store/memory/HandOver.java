package io.jadugar.jcache.store.memory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;

/**
 * A bounded queue of pairs from many writing threads to one draining thread, in a preallocated
 * array: an offer allocates nothing and touches only the array and the claim counter, never what
 * the pair refers to. A slot is claimed with a compare-and-set of the tail, then filled (the second
 * of the pair first, the first last, with release); the drain takes slots in claim order up to the
 * first one not yet filled, and empties each before it moves the head on, so a writer that sees
 * room sees an empty slot.
 */
final class HandOver<E> {

  /** Two array cells per slot: the pair's first, then its second. */
  private final AtomicReferenceArray<E> cells;
  private final int mask;
  /** The next slot to claim; writers only. */
  private final AtomicLong tail = new AtomicLong();
  /** The next slot to drain; written by the draining thread only. */
  private volatile long head;

  /** A queue of {@code capacity} slots, rounded up to a power of two. */
  HandOver(int capacity) {
    int size = Integer.highestOneBit(Math.max(2, capacity - 1)) << 1;
    this.cells = new AtomicReferenceArray<>(2 * size);
    this.mask = size - 1;
  }

  /**
   * Hands over {@code first} (not null) and {@code second} (may be null) and returns how many slots
   * are taken with them (at least 1), or returns {@code 0}, having done nothing, when all are taken.
   */
  int offer(E first, E second) {
    long t;
    long taken;
    do {
      t = tail.get();
      taken = t - head;
      if (taken > mask) {
        return 0;
      }
    } while (!tail.compareAndSet(t, t + 1));
    int cell = 2 * (int) (t & mask);
    cells.setPlain(cell + 1, second);
    cells.setRelease(cell, first); // publishes the second too
    return (int) taken + 1;
  }

  /** Gives {@code to} each pair handed over, in order, up to the first slot claimed but not yet filled; the drainer's thread only. */
  void drain(BiConsumer<? super E, ? super E> to) {
    long h = head;
    E first;
    while ((first = cells.getAcquire(2 * (int) (h & mask))) != null) {
      int cell = 2 * (int) (h & mask);
      E second = cells.getPlain(cell + 1);
      cells.setPlain(cell, null);
      cells.setPlain(cell + 1, null);
      h++;
      to.accept(first, second);
    }
    head = h; // after the slots are emptied: a writer that sees this head finds them empty
  }

  /** How many slots it has. */
  int capacity() {
    return mask + 1;
  }
}
