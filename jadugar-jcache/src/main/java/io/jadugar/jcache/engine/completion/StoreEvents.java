package io.jadugar.jcache.engine.completion;

import io.jadugar.jcache.VendorEvent;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.engine.core.Reports;
import io.jadugar.jcache.spi.StoreEntry;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store reports on its own, turned into the cache's events: an entry it expired, a change
 * another JVM made, an entry its bound evicted.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class StoreEvents<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(StoreEvents.class);

  private final CacheCore<K, V> core;
  private final Presence<K, V> presence;
  private final Reports reports;

  /** The store events of the cache of {@code core}. */
  public StoreEvents(CacheCore<K, V> core, Presence<K, V> presence, Reports reports) {
    this.core = core;
    this.presence = presence;
    this.reports = reports;
  }

  /** The store dropped {@code entry} because its time had passed. */
  public void expired(StoreEntry entry) {
    if (core.events.hasListeners(EventType.EXPIRED)) {
      K key = presence.keyOf(entry);
      V value = key == null ? null : presence.valueOf(key, entry, false);
      if (value == null) {
        return;
      }
      try {
        core.events.publish(EventType.EXPIRED, key, value, value);
      } catch (RuntimeException e) {
        LOG.warn("A listener of cache {} failed on an expired entry", core.name, e);
      }
    }
  }

  /** Another JVM changed the entry of {@code storeKey}. */
  public void changedElsewhere(EventType type, Object storeKey, Object value, Object oldValue) {
    if (!core.events.hasListeners(type)) {
      return;
    }
    K key = presence.keyOf(new StoreEntry(storeKey, value, StoreEntry.ETERNAL));
    V v = key == null || value == null ? null : presence.valueOf(key, new StoreEntry(storeKey, value, 0), false);
    V old = key == null || oldValue == null ? null
        : presence.valueOf(key, new StoreEntry(storeKey, oldValue, 0), false);
    if (key == null || (v == null && value != null)) {
      return;
    }
    try {
      core.events.publish(type, key, v, old);
    } catch (RuntimeException e) {
      LOG.warn("A listener of cache {} failed on a change made by another JVM", core.name, e);
    }
  }

  /** The store's bound evicted {@code entry}. */
  public void evicted(StoreEntry entry) {
    if (core.counting()) {
      core.statistics.evictions(1);
    }
    if (reports.listening()) {
      reports.event(VendorEvent.Type.EVICTED, presence.keyOf(entry), "the store's size or weight bound");
    }
    LOG.debug("Cache {} evicted an entry to stay within its bound", core.name);
  }
}
