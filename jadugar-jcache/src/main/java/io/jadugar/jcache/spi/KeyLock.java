package io.jadugar.jcache.spi;

/**
 * A held lock of one key (see {@link Store#lock}); closing it releases the lock. Closed on the
 * thread that took it, once; a second close does nothing.
 */
public interface KeyLock extends AutoCloseable {

  /** The lock of a store whose compute already runs its function once: holds nothing. */
  KeyLock NONE = () -> {};

  /** Releases the lock; never throws (a lock that cannot be released ends with its lease). */
  @Override
  void close();
}
