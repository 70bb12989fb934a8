package io.jadugar.jcache.spi;

/**
 * A held lock of one key (see {@link Store#lock}); closing it releases the lock. Closed on the
 * thread that took it; a second close does nothing.
 */
public interface KeyLock extends AutoCloseable {

  /** The lock of a store whose compute already runs its function once: holds nothing. */
  KeyLock NONE = () -> {};

  /**
   * Releases the lock. Only its thread may: another gets an {@link IllegalMonitorStateException} and
   * nothing is released. A release the server does not confirm is logged, not thrown: the operation
   * under the lock is done, and the lock ends with its lease.
   */
  @Override
  void close();

  /**
   * Takes the lock of each of {@code keys} with {@code lockOne}, in their natural order (a remote
   * store's {@link BinaryKey}s: the order of their bytes, the same in every JVM, so two holders of
   * overlapping sets never wait for each other in a circle); closing the result releases them all,
   * last taken first, once. If one cannot be taken, those taken are released and the failure thrown.
   */
  static KeyLock inOrder(java.util.Collection<?> keys, java.util.function.Function<Object, KeyLock> lockOne) {
    Object[] sorted = keys.toArray();
    java.util.Arrays.sort(sorted);
    KeyLock[] held = new KeyLock[sorted.length];
    int n = 0;
    try {
      for (; n < sorted.length; n++) {
        held[n] = lockOne.apply(sorted[n]);
      }
    } catch (RuntimeException e) {
      closeAll(held, n, e);
      throw e;
    }
    int count = n;
    boolean[] closed = {false}; // closed on the thread that took them: no need to be atomic
    return () -> {
      if (!closed[0]) {
        closed[0] = true;
        closeAll(held, count, null);
      }
    };
  }

  /**
   * Closes the first {@code n} of {@code locks}, last taken first. A failure is added to
   * {@code cause} if there is one, else thrown after the others are closed.
   */
  static void closeAll(KeyLock[] locks, int n, RuntimeException cause) {
    RuntimeException failure = cause;
    for (int i = n - 1; i >= 0; i--) {
      try {
        locks[i].close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (cause == null && failure != null) {
      throw failure;
    }
  }
}
