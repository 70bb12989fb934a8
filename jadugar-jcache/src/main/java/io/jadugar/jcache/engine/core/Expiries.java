package io.jadugar.jcache.engine.core;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.expiry.RecentClock;
import io.jadugar.jcache.spi.StoreEntry;
import java.time.Clock;

/**
 * When entries expire: on a write, from the entry's own time to live or the cache's policy; on an
 * access, as the policy says.
 */
public final class Expiries {

  private final CacheCore<?, ?> core;
  /** Whether the cache reads the system clock: then a long time to live may start from {@link RecentClock}. */
  private final boolean systemClock;

  /** The expiry times of the cache of {@code core}. */
  public Expiries(CacheCore<?, ?> core) {
    this.core = core;
    this.systemClock = core.clock.getClass() == Clock.systemUTC().getClass();
  }

  /** When an entry written now expires: at its own time to live if it has one, else as the policy says. */
  public long onWrite(EntryOptions options, long now, StoreEntry live) {
    if (options.ttl() != null) {
      return own(now, options);
    }
    if (core.eternal) {
      // what a blind put writes too: a standard write to an entry that had its own time to live
      // makes it eternal again, whichever path the write takes
      return StoreEntry.ETERNAL;
    }
    return live == null ? core.expiry.onCreation(now) : core.expiry.onUpdate(now, live.expireAt());
  }

  /**
   * The expiry of an entry written now with its own time to live, for a write that reads no time
   * otherwise: a long one starts from {@link RecentClock} (never later than the system clock's).
   */
  public long own(EntryOptions options) {
    long ttl = ttlMillis(options);
    return after(systemClock && ttl >= RecentClock.MIN_TTL_MILLIS ? RecentClock.millis() : core.clock.millis(), ttl);
  }

  /** The expiry of an entry written at {@code now} with its own time to live. */
  public static long own(long now, EntryOptions options) {
    return after(now, ttlMillis(options));
  }

  private static long ttlMillis(EntryOptions options) {
    return Math.max(1, options.ttl().toMillis());
  }

  private static long after(long now, long ttl) {
    return now > Long.MAX_VALUE - 1 - ttl ? StoreEntry.ETERNAL - 1 : now + ttl;
  }

  /** Applies the access expiry to an entry just read, when the policy can change it. */
  public void touch(StoreEntry entry) {
    if (core.accessExpiry) {
      long expireAt = core.expiry.onAccess(core.clock.millis(), entry.expireAt());
      if (expireAt != entry.expireAt()) {
        // a concurrent write has set its own expiry: losing this race is fine
        core.store.replace(entry, entry.withExpireAt(expireAt));
      }
    }
  }

  /** The entry with the access expiry applied, for use inside a compute. */
  public StoreEntry accessed(StoreEntry live, long now) {
    long expireAt = core.expiry.onAccess(now, live.expireAt());
    return expireAt == live.expireAt() ? live : live.withExpireAt(expireAt);
  }
}
