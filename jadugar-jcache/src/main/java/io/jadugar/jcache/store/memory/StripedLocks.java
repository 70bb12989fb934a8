package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.spi.KeyLock;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The key locks of one memory store: a fixed set of reentrant locks, a key's lock chosen by its
 * hash. Made only when a cache with a writer first asks for one. A batch takes its keys' locks in
 * the order of their index, so two batches never wait for each other in a circle.
 */
final class StripedLocks {

  /** Enough that threads on different keys rarely share a lock; 256 locks are a few kilobytes. */
  private static final int STRIPES = 256;

  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

  StripedLocks() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  private static int index(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** Holds the lock of {@code key} until closed. */
  KeyLock lock(Object key) {
    ReentrantLock lock = locks[index(key)];
    lock.lock();
    return new Held(new ReentrantLock[] {lock}, 1);
  }

  /** Holds the locks of every key of {@code keys}, each lock once, until closed. */
  KeyLock lockAll(Collection<?> keys) {
    int[] indexes = new int[keys.size()];
    int n = 0;
    for (Object key : keys) {
      indexes[n++] = index(key);
    }
    Arrays.sort(indexes);
    ReentrantLock[] held = new ReentrantLock[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || indexes[i] != indexes[i - 1]) {
        held[count] = locks[indexes[i]];
        held[count++].lock();
      }
    }
    return new Held(held, count);
  }

  /** Locks held by one thread; released last taken first, once. */
  private static final class Held implements KeyLock {
    private final ReentrantLock[] locks;
    private int count;

    Held(ReentrantLock[] locks, int count) {
      this.locks = locks;
      this.count = count;
    }

    @Override
    public void close() {
      if (count > 0 && !locks[0].isHeldByCurrentThread()) {
        throw new IllegalMonitorStateException("a key lock is released by the thread that took it");
      }
      while (count > 0) {
        locks[--count].unlock();
      }
    }
  }
}
