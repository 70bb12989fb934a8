package io.jadugar.jcache.codec;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A lock-free pool of objects that are not thread-safe (Kryo instances and their buffers). Each
 * thread starts looking at a slot chosen by its id, so a thread mostly takes back what it freed:
 * no lock and no shared cache line on the hot path, unlike a queue-based pool, which made two
 * threads slower than one. Nothing is held per thread, so threads that end leak nothing; a pool
 * that is full drops what is freed.
 */
final class LocalPool<T> {

  /** Slots are this many array elements apart, so that two slots never share a cache line. */
  private static final int SPREAD = 16;
  /** How many slots a thread looks at before it creates or drops an object. */
  private static final int PROBES = 4;

  private final AtomicReferenceArray<T> slots;
  private final int mask;
  private final Supplier<T> factory;

  /** A pool that makes new objects with {@code factory}. */
  LocalPool(Supplier<T> factory) {
    int n = Integer.highestOneBit(Math.max(4, Runtime.getRuntime().availableProcessors() * 4) - 1) << 1;
    this.slots = new AtomicReferenceArray<>(n * SPREAD);
    this.mask = n - 1;
    this.factory = factory;
  }

  /** An object from the pool, or a new one. */
  T obtain() {
    int start = home();
    for (int i = 0; i < PROBES; i++) {
      int slot = ((start + i) & mask) * SPREAD;
      T t = slots.get(slot);
      if (t != null && slots.compareAndSet(slot, t, null)) {
        return t;
      }
    }
    return factory.get();
  }

  /** Gives {@code t} back; it is dropped if the slots near this thread's are taken. */
  void free(T t) {
    int start = home();
    for (int i = 0; i < PROBES; i++) {
      int slot = ((start + i) & mask) * SPREAD;
      if (slots.get(slot) == null && slots.compareAndSet(slot, null, t)) {
        return;
      }
    }
  }

  private static int home() {
    long id = Thread.currentThread().getId();
    return (int) (id ^ (id >>> 32)) * 0x9E3779B9 >>> 16;
  }
}
