package io.jadugar.jcache.engine.core;

import io.jadugar.jcache.VendorEvent;
import io.jadugar.jcache.VendorEventListener;
import io.jadugar.jcache.codec.CorruptEntryException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine reports beyond JSR-107's events: corrupt entries (counted, logged, an event) and
 * the vendor events, told on the cache's executor so that they never cost the caller time or fail it.
 */
public final class Reports {

  private static final Logger LOG = LoggerFactory.getLogger(Reports.class);

  private final CacheCore<?, ?> core;
  private final List<VendorEventListener> listeners = new CopyOnWriteArrayList<>();

  /** The reports of the cache of {@code core}. */
  public Reports(CacheCore<?, ?> core) {
    this.core = core;
  }

  /** Adds a vendor listener; returns whether it is the first. */
  public boolean add(VendorEventListener listener) {
    listeners.add(listener);
    return listeners.size() == 1;
  }

  /** Removes a vendor listener; returns whether none is left. */
  public boolean remove(VendorEventListener listener) {
    listeners.remove(listener);
    return listeners.isEmpty();
  }

  /** Whether anybody listens to vendor events. */
  public boolean listening() {
    return !listeners.isEmpty();
  }

  /** Tells the vendor listeners of {@code type}. */
  public void event(VendorEvent.Type type, Object key, String detail) {
    if (listeners.isEmpty()) {
      return;
    }
    VendorEvent event = new VendorEvent(type, core.name, key, detail, Instant.now());
    for (VendorEventListener l : listeners) {
      try {
        core.executor.execute(() -> {
          try {
            l.onEvent(event);
          } catch (RuntimeException e) {
            LOG.warn("A vendor event listener of cache {} failed on {}", core.name, event, e);
          }
        });
      } catch (RejectedExecutionException e) {
        LOG.debug("Cache {}: no thread left to tell of {}", core.name, event);
      }
    }
  }

  /** Counts, logs and reports the corrupt stored entry of {@code key}; it is a miss. */
  public void corrupt(Object key, CorruptEntryException e) {
    core.statistics.corrupt(1);
    event(VendorEvent.Type.CORRUPT_ENTRY, key, e.getMessage());
    long n = core.statistics.getCorruptEntries();
    // every corrupt entry is dropped, so each is logged once; a flood is summarized, not repeated
    if (n <= 10 || n % 1000 == 0) {
      LOG.warn("Cache {}: the stored entry of key {} is corrupt and counts as a miss ({} so far): {}",
          core.name, key, n, e.getMessage());
    } else {
      LOG.debug("Cache {}: the stored entry of key {} is corrupt: {}", core.name, key, e.getMessage());
    }
  }
}
