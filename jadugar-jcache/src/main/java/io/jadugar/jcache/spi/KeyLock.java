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
}
