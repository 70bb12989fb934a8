package io.jadugar.jcache.engine.vendor;

import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.VendorEvent;
import io.jadugar.jcache.VendorEventListener;
import io.jadugar.jcache.WriterMetrics;
import io.jadugar.jcache.engine.completion.Completion;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Expiries;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.engine.core.Reports;
import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.spi.EntryMetadata;
import io.jadugar.jcache.spi.StoreEntry;
import io.jadugar.jcache.spi.StoreStateListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.cache.CacheManager;

/**
 * What the vendor API adds to a cache beyond per-entry options (which the writes take).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class VendorOperations<K, V> {

  private final CacheCore<K, V> core;
  private final Presence<K, V> presence;
  private final Expiries expiries;
  private final Completion<K, V> completion;
  private final Reports reports;
  private final CacheManager manager;

  /** Passes the cache manager's store connections going down and up to the vendor listeners. */
  private final StoreStateListener storeStates = new StoreStateListener() {
    @Override
    public void down(String address, Throwable cause) {
      reports.event(VendorEvent.Type.STORE_DOWN, null, address + (cause == null ? "" : ": " + cause.getMessage()));
    }

    @Override
    public void up(String address) {
      reports.event(VendorEvent.Type.STORE_UP, null, address);
    }
  };

  /** The vendor operations of the cache of {@code core}, a cache of {@code manager}. */
  public VendorOperations(CacheCore<K, V> core, Presence<K, V> presence, Expiries expiries,
      Completion<K, V> completion, Reports reports, CacheManager manager) {
    this.core = core;
    this.presence = presence;
    this.expiries = expiries;
    this.completion = completion;
    this.reports = reports;
    this.manager = manager;
  }

  /** The entry of {@code key} with its expiry, creation time and metadata, if present (an access). */
  public EntryInfo<K, V> getEntry(K key) {
    long start = core.start();
    StoreEntry entry = core.store.get(core.codec.encodeKey(key));
    V value = presence.present(key, entry, true);
    EntryInfo<K, V> info = null;
    if (value != null) {
      expiries.touch(entry);
      EntryMetadata metadata = core.codec.metadataOf(entry.value()); // it decoded just now: no surprise here
      info = new EntryInfo<>(key, value,
          entry.expireAt() == StoreEntry.ETERNAL ? null : Instant.ofEpochMilli(entry.expireAt()),
          metadata == null ? null : Instant.ofEpochMilli(metadata.writtenAt()),
          metadata == null ? Map.of() : metadata.values());
    }
    if (core.counting()) {
      completion.read(info != null);
      completion.readTime(start);
    }
    return info;
  }

  /** Adds a check consulted on every read. */
  public void addValidityCheck(ValidityCheck check, Presence.Along along) {
    presence.addCheck(check, along);
  }

  /** Removes a check. */
  public void removeValidityCheck(ValidityCheck check) {
    presence.removeCheck(check);
  }

  /** The store's health, measured within {@code timeout}. */
  public HealthReport health(Duration timeout) {
    return core.store.health(timeout);
  }

  /** Adds a vendor listener; the first one also listens to the store's connections. */
  public synchronized void addListener(VendorEventListener listener) {
    if (reports.add(listener) && manager instanceof JadugarManager) {
      ((JadugarManager) manager).addStoreStateListener(storeStates);
    }
  }

  /** Removes a vendor listener; after the last one, the store's connections are no longer followed. */
  public synchronized void removeListener(VendorEventListener listener) {
    if (reports.remove(listener)) {
      forgetStoreStates();
    }
  }

  /** Stops following the store's connections (when the cache closes). */
  public void forgetStoreStates() {
    if (manager instanceof JadugarManager) {
      ((JadugarManager) manager).removeStoreStateListener(storeStates);
    }
  }

  /** The cache's metrics now, the memory behind it read within {@code timeout}. */
  public MetricsSnapshot metrics(Duration timeout) {
    Map<String, Long> writer = core.writer instanceof WriterMetrics w
        ? Map.copyOf(w.writerMetrics()) : Map.of();
    return core.statistics.snapshot(core.name, core.store.traffic(), core.store.memory(timeout), writer);
  }
}
