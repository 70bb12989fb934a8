package io.jadugar.jcache.engine.core;

import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.codec.CorruptEntryException;
import io.jadugar.jcache.spi.EntryMetadata;
import io.jadugar.jcache.spi.StoreEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one definition of a present entry, used by every operation: stored, not {@link #expired},
 * and its bytes decode. An entry a {@link ValidityCheck} refuses is expired, exactly as one past
 * its time; a corrupt one is a counted miss.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Presence<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(Presence.class);

  private final CacheCore<K, V> core;
  private final Reports reports;
  /** The validity checks, consulted on every read of an entry with metadata; copied on change. */
  private volatile ValidityCheck[] checks = new ValidityCheck[0];

  /** Presence in the cache of {@code core}, reporting corrupt entries to {@code reports}. */
  public Presence(CacheCore<K, V> core, Reports reports) {
    this.core = core;
    this.reports = reports;
  }

  /** Adds a validity check. */
  public synchronized void addCheck(ValidityCheck check) {
    ValidityCheck[] c = Arrays.copyOf(checks, checks.length + 1);
    c[c.length - 1] = check;
    checks = c;
  }

  /** Removes a validity check, if added. */
  public synchronized void removeCheck(ValidityCheck check) {
    List<ValidityCheck> c = new ArrayList<>(Arrays.asList(checks));
    c.remove(check);
    checks = c.toArray(new ValidityCheck[0]);
  }

  /**
   * Starts one attempt of a compute: sorts the current entry into expired, corrupt (a miss that
   * the write overwrites or drops) or live, and returns the time the attempt runs at.
   */
  public long begin(Outcome o, StoreEntry current) {
    long now = core.clock.millis();
    o.reset();
    if (current != null) {
      if (expired(current, now)) {
        o.expired = current;
      } else if (core.codec.mayBeCorrupt()) {
        try {
          o.liveValue = core.codec.decodeValue(current.value());
          o.live = current;
        } catch (CorruptEntryException e) {
          o.corrupt = current;
        }
      } else {
        o.live = current;
      }
    }
    return now;
  }

  /** The live entry's value, decoded at most once. */
  @SuppressWarnings("unchecked")
  public V liveValue(Outcome o) {
    if (o.liveValue == null) {
      o.liveValue = core.codec.decodeValue(o.live.value());
    }
    return (V) o.liveValue;
  }

  /**
   * The value of {@code entry} if it is present, else {@code null}. A corrupt entry is counted and
   * dropped; an expired one is dropped and reported when {@code settleExpired}.
   */
  public V present(K key, StoreEntry entry, boolean settleExpired) {
    return unexpired(key, entry, settleExpired) ? valueOf(key, entry, true) : null;
  }

  /**
   * Whether {@code entry} is present, as {@link #present} decides; it is decoded only when its
   * bytes can be damaged (a store-by-value copy in memory is not, so containsKey copies nothing).
   */
  public boolean isPresent(K key, StoreEntry entry, boolean settleExpired) {
    return unexpired(key, entry, settleExpired)
        && (!core.codec.mayBeCorrupt() || valueOf(key, entry, true) != null);
  }

  /** Whether {@code entry} is stored and not expired; an expired one is dropped and reported when {@code settle}. */
  private boolean unexpired(K key, StoreEntry entry, boolean settle) {
    if (entry == null) {
      return false;
    }
    if ((entry.expireAt() != StoreEntry.ETERNAL || checks.length != 0)
        && expired(entry, core.clock.millis())) {
      if (settle && core.store.remove(entry) && core.events.hasListeners(EventType.EXPIRED)) {
        V value = valueOf(key, entry, false);
        core.events.publish(EventType.EXPIRED, key, value, value);
      }
      return false;
    }
    return true;
  }

  /**
   * Whether {@code entry} is past its time at {@code now}, or a {@link ValidityCheck} declares it
   * invalid: either way it is not present, and the one is treated exactly as the other.
   */
  public boolean expired(StoreEntry entry, long now) {
    if (entry.isExpiredAt(now)) {
      return true;
    }
    ValidityCheck[] c = checks;
    return c.length != 0 && !valid(entry, c);
  }

  private boolean valid(StoreEntry entry, ValidityCheck[] c) {
    EntryMetadata metadata;
    try {
      metadata = core.codec.metadataOf(entry.value());
    } catch (CorruptEntryException e) {
      return true; // not for a check to say: decoding the value finds it corrupt
    }
    if (metadata == null) {
      return true;
    }
    for (ValidityCheck check : c) {
      try {
        if (!check.isValid(metadata)) {
          return false;
        }
      } catch (RuntimeException e) {
        // a check that cannot decide must not let a possibly stale entry through
        LOG.warn("Cache {}: a validity check failed; the entry counts as invalid", core.name, e);
        return false;
      }
    }
    return true;
  }

  /** The key of {@code entry}, or null (counted and reported) if its bytes do not decode. */
  @SuppressWarnings("unchecked")
  public K keyOf(StoreEntry entry) {
    try {
      return (K) core.codec.decodeKey(entry.key());
    } catch (CorruptEntryException e) {
      reports.corrupt(entry.key(), e);
      return null;
    }
  }

  /**
   * The value of {@code entry}, or {@code null} if its bytes do not decode: then the entry is
   * counted and logged as corrupt and, when {@code drop}, removed unless somebody changed it.
   */
  @SuppressWarnings("unchecked")
  public V valueOf(Object key, StoreEntry entry, boolean drop) {
    try {
      return (V) core.codec.decodeValue(entry.value());
    } catch (CorruptEntryException e) {
      reports.corrupt(key, e);
      if (drop) {
        core.store.remove(entry);
      }
      return null;
    }
  }
}
