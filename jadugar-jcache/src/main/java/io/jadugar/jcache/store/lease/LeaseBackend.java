package io.jadugar.jcache.store.lease;

/**
 * The three atomic commands a store offers for a leased lock; each names the lock by its key in the
 * store and the holder by a token unique to one acquisition.
 */
public interface LeaseBackend {

  /** Takes the lock for {@code token} with a lease of {@code leaseMillis} if nobody holds it; true if taken. */
  boolean tryAcquire(String lockKey, String token, long leaseMillis);

  /** Extends the lease to {@code leaseMillis} from now if {@code token} still holds it; false if it does not. */
  boolean renew(String lockKey, String token, long leaseMillis);

  /** Releases the lock if {@code token} still holds it, and only then; false if it did not. */
  boolean release(String lockKey, String token);

  /**
   * Sends {@link #release} without waiting for its answer, when the store can: the operation under
   * the lock is done, and waiting would add a round trip to it. Whether it released is then only
   * logged ({@code onOutcome}: true released, false the lease had ended, an exception failed, and
   * the lock ends with its lease). By default it waits.
   */
  default void releaseLater(String lockKey, String token, java.util.function.BiConsumer<Boolean, Throwable> onOutcome) {
    boolean released;
    try {
      released = release(lockKey, token);
    } catch (RuntimeException e) {
      onOutcome.accept(null, e);
      return;
    }
    onOutcome.accept(released, null);
  }

  /** The server that keeps {@code lockKey}, for messages: {@code redis at 127.0.0.1:6379}. */
  String where(String lockKey);
}
