package io.jadugar.jcache.expiry;

import io.jadugar.jcache.spi.StoreEntry;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes absolute expiry times (epoch milliseconds) from an {@link ExpiryPolicy}.
 *
 * <p>A policy that throws is not allowed to break the cache operation (JSR-107 §6): creation then
 * falls back to eternal, access and update leave the expiry time as it was.
 */
public final class ExpiryCalculator {

  private static final Logger LOG = LoggerFactory.getLogger(ExpiryCalculator.class);

  private final ExpiryPolicy policy;

  /** A calculator over {@code policy}. */
  public ExpiryCalculator(ExpiryPolicy policy) {
    this.policy = policy;
  }

  /** The policy this calculator asks. */
  public ExpiryPolicy policy() {
    return policy;
  }

  /** Expiry time of an entry created at {@code now}; {@code <= now} means not to store it. */
  public long onCreation(long now) {
    try {
      Duration d = policy.getExpiryForCreation();
      return d == null ? StoreEntry.ETERNAL : expireAt(d, now);
    } catch (RuntimeException e) {
      LOG.warn("ExpiryPolicy.getExpiryForCreation failed; the entry does not expire", e);
      return StoreEntry.ETERNAL;
    }
  }

  /** Expiry time of an entry read at {@code now} that expired at {@code current} so far. */
  public long onAccess(long now, long current) {
    try {
      Duration d = policy.getExpiryForAccess();
      return d == null ? current : expireAt(d, now);
    } catch (RuntimeException e) {
      LOG.warn("ExpiryPolicy.getExpiryForAccess failed; the expiry time is left as it was", e);
      return current;
    }
  }

  /** Expiry time of an entry updated at {@code now} that expired at {@code current} so far. */
  public long onUpdate(long now, long current) {
    try {
      Duration d = policy.getExpiryForUpdate();
      return d == null ? current : expireAt(d, now);
    } catch (RuntimeException e) {
      LOG.warn("ExpiryPolicy.getExpiryForUpdate failed; the expiry time is left as it was", e);
      return current;
    }
  }

  /** {@code now} plus {@code d}, saturating at eternal. */
  public static long expireAt(Duration d, long now) {
    if (d.isEternal()) {
      return StoreEntry.ETERNAL;
    }
    if (d.isZero()) {
      return now;
    }
    long millis = d.getTimeUnit().toMillis(d.getDurationAmount());
    long at = now + millis;
    return at < now ? StoreEntry.ETERNAL : at;
  }
}
