package io.jadugar.jcache.engine.core;

import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.codec.CorruptEntryException;
import io.jadugar.jcache.spi.EntryMetadata;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreLookup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
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
  /** The check whose lookup the store reads along with an entry, or {@code null}: at most one. */
  private volatile Along along;

  /**
   * A check's {@link ValidityCheck#lookup lookup} in store terms: read with the entry by the store
   * itself ({@code withEntry}, one script on Redis), and in one batch for all the entries of a batch read.
   *
   * @param check the check that declared it
   * @param lookup the entries to read, in store terms
   * @param value the value a read of the lookup's cache finds in one of its entries (key, entry), or null
   * @param storeKey the key in {@code lookup.store()} of a listed name
   * @param withEntry whether this cache's store reads the lookup with the entry ({@code Store.readsAlong})
   */
  public record Along(ValidityCheck check, StoreLookup lookup, BiFunction<Object, StoreEntry, Object> value,
      Function<String, Object> storeKey, boolean withEntry) {}

  /** Presence in the cache of {@code core}, reporting corrupt entries to {@code reports}. */
  public Presence(CacheCore<K, V> core, Reports reports) {
    this.core = core;
    this.reports = reports;
  }

  /** Adds a validity check. */
  public synchronized void addCheck(ValidityCheck check) {
    addCheck(check, null);
  }

  /**
   * Adds a validity check whose lookup the store reads along with each entry ({@code along}), unless
   * {@code along} is null or another check's already is.
   */
  public synchronized void addCheck(ValidityCheck check, Along along) {
    ValidityCheck[] c = Arrays.copyOf(checks, checks.length + 1);
    c[c.length - 1] = check;
    checks = c;
    if (along != null && this.along == null) {
      this.along = along;
    }
  }

  /** The lookup to read along with an entry for the checks, or {@code null}. */
  public Along along() {
    return along;
  }

  /** The value of {@code entry} as {@link #present} finds it, not settling an expired one: for a lookup. */
  @SuppressWarnings("unchecked")
  public Object presentValue(Object key, StoreEntry entry) {
    return present((K) key, entry, false);
  }

  /** Removes a validity check, if added. */
  public synchronized void removeCheck(ValidityCheck check) {
    List<ValidityCheck> c = new ArrayList<>(Arrays.asList(checks));
    c.remove(check);
    checks = c.toArray(new ValidityCheck[0]);
    if (along != null && along.check() == check && !c.contains(check)) {
      along = null;
    }
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
    return present(key, entry, settleExpired, null);
  }

  /**
   * {@link #present(Object, StoreEntry, boolean)} of an entry read with {@link #along}'s entries,
   * {@code found} (names to their values as {@link #alongValues} gives them), which its check then
   * decides with.
   */
  public V present(K key, StoreEntry entry, boolean settleExpired, Map<String, Object> found) {
    return unexpired(key, entry, settleExpired, found) ? valueOf(key, entry, true) : null;
  }

  /**
   * Whether {@code entry} is present, as {@link #present} decides; it is decoded only when its
   * bytes can be damaged (a store-by-value copy in memory is not, so containsKey copies nothing).
   */
  public boolean isPresent(K key, StoreEntry entry, boolean settleExpired) {
    return isPresent(key, entry, settleExpired, null);
  }

  /** {@link #isPresent(Object, StoreEntry, boolean)} with the lookup's values read along, as {@link #present} takes them. */
  public boolean isPresent(K key, StoreEntry entry, boolean settleExpired, Map<String, Object> found) {
    return unexpired(key, entry, settleExpired, found)
        && (!core.codec.mayBeCorrupt() || valueOf(key, entry, true) != null);
  }

  /**
   * The values of the lookup's entries that a batch read's {@code entries} list, read in one batch
   * of the lookup's store (one multi-get, not one read per entry): each listed name to its value,
   * null when absent. {@code null} when there is no lookup or no entry lists a name.
   */
  public Map<String, Object> readAlong(StoreEntry[] entries) {
    Along a = along;
    if (a == null || checks.length == 0) {
      return null;
    }
    Set<String> names = null;
    for (StoreEntry entry : entries) {
      String list = entry == null ? null : listOf(entry, a);
      if (list != null) {
        if (names == null) {
          names = new LinkedHashSet<>();
        }
        for (String name : list.split("\n")) {
          names.add(name);
        }
      }
    }
    if (names == null) {
      return null;
    }
    String[] listed = names.toArray(new String[0]);
    Object[] keys = new Object[listed.length];
    for (int i = 0; i < listed.length; i++) {
      keys[i] = a.storeKey().apply(listed[i]);
    }
    StoreEntry[] read = a.lookup().store().getEach(keys);
    Map<String, Object> values = new HashMap<>((int) (listed.length / 0.75f) + 1);
    for (int i = 0; i < listed.length; i++) {
      values.put(listed[i], read[i] == null ? null : a.value().apply(keys[i], read[i]));
    }
    return values;
  }

  /** The lookup's list in {@code entry}'s metadata, or null (none, or bytes that do not decode). */
  private String listOf(StoreEntry entry, Along a) {
    try {
      EntryMetadata metadata = core.codec.metadataOf(entry.value());
      return metadata == null ? null : metadata.values().get(a.lookup().listName());
    } catch (CorruptEntryException e) {
      return null; // the read that decodes it counts it
    }
  }

  /** Whether {@code entry} is stored and not expired; an expired one is dropped and reported when {@code settle}. */
  private boolean unexpired(K key, StoreEntry entry, boolean settle, Map<String, Object> found) {
    if (entry == null) {
      return false;
    }
    if ((entry.expireAt() != StoreEntry.ETERNAL || checks.length != 0)
        && expired(entry, core.clock.millis(), found)) {
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
    return expired(entry, now, null);
  }

  /** {@link #expired(StoreEntry, long)} with the lookup's values read along, as {@link #present} takes them. */
  public boolean expired(StoreEntry entry, long now, Map<String, Object> found) {
    if (entry.isExpiredAt(now)) {
      return true;
    }
    ValidityCheck[] c = checks;
    return c.length != 0 && !valid(entry, c, found);
  }

  private boolean valid(StoreEntry entry, ValidityCheck[] c, Map<String, Object> found) {
    EntryMetadata metadata;
    try {
      metadata = core.codec.metadataOf(entry.value());
    } catch (CorruptEntryException e) {
      return true; // not for a check to say: decoding the value finds it corrupt
    }
    if (metadata == null) {
      return true;
    }
    Along a = found == null || found.isEmpty() ? null : along;
    for (ValidityCheck check : c) {
      try {
        if (a != null && a.check() == check ? !check.isValid(metadata, found)
            : !check.isValid(metadata)) {
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

  /**
   * The values of the entries a store read along with an entry ({@code Store.get(key, lookup,
   * found)}): names to values, null when absent.
   */
  public Map<String, Object> alongValues(Map<String, StoreEntry> found) {
    Along a = along;
    if (a == null || found.isEmpty()) {
      return null;
    }
    Map<String, Object> values = new HashMap<>((int) (found.size() / 0.75f) + 1);
    found.forEach((name, e) -> values.put(name, e == null ? null : a.value().apply(e.key(), e)));
    return values;
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
