package io.jadugar.jcache.engine.completion;

import io.jadugar.jcache.codec.CorruptEntryException;
import io.jadugar.jcache.engine.core.CacheCore;
import io.jadugar.jcache.engine.core.Outcome;
import io.jadugar.jcache.engine.core.Presence;
import io.jadugar.jcache.engine.core.Reports;
import javax.cache.event.EventType;

/**
 * The one step after a store commits: statistics, then what the compute found on its way (an
 * expired or corrupt entry), then the event of its change, with the old value where listeners ask
 * for it. Every operation ends here, so none repeats it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Completion<K, V> {

  private final CacheCore<K, V> core;
  private final Presence<K, V> presence;
  private final Reports reports;

  /** The completion step of the cache of {@code core}. */
  public Completion(CacheCore<K, V> core, Presence<K, V> presence, Reports reports) {
    this.core = core;
    this.presence = presence;
    this.reports = reports;
  }

  /**
   * Completes a compute: a hit or miss where the operation reads ({@code countsRead}), a put where
   * a write counts as one ({@code countsPut}), a removal; then its events.
   */
  @SuppressWarnings("unchecked")
  public void complete(K key, Outcome o, boolean countsRead, boolean countsPut, long start) {
    Outcome.Change change = o.change;
    if (core.counting()) {
      if (countsRead) {
        read(o.live != null);
      }
      if (change == Outcome.Change.REMOVED) {
        removed(1, start);
      } else if (change != Outcome.Change.NONE && countsPut) {
        put(1, start);
      }
    }
    found(key, o);
    switch (change) {
      case CREATED:
        core.events.publish(EventType.CREATED, key, (V) o.newValue, null);
        break;
      case UPDATED:
        core.events.publish(EventType.UPDATED, key, (V) o.newValue,
            core.events.hasListeners(EventType.UPDATED) ? presence.liveValue(o) : null);
        break;
      case REMOVED:
        removal(key, o);
        break;
      default:
        break;
    }
  }

  /** Reports what a compute found: an expired entry (an event) or a corrupt one (a count). */
  public void found(K key, Outcome o) {
    if (o.corrupt != null) {
      reports.corrupt(key, new CorruptEntryException("overwritten or dropped by this operation"));
    }
    if (o.expired != null && core.events.hasListeners(EventType.EXPIRED)) {
      V value = presence.valueOf(key, o.expired, false);
      core.events.publish(EventType.EXPIRED, key, value, value);
    }
  }

  /** The REMOVED event of the live entry a compute removed. */
  public void removal(K key, Outcome o) {
    if (o.live != null && core.events.hasListeners(EventType.REMOVED)) {
      V old = presence.liveValue(o);
      core.events.publish(EventType.REMOVED, key, old, old);
    }
  }

  /** Counts a hit or a miss. */
  public void read(boolean hit) {
    if (hit) {
      core.statistics.hits(1);
    } else {
      core.statistics.misses(1);
    }
  }

  /** Counts {@code hits} and {@code misses}. */
  public void reads(int hits, int misses) {
    core.statistics.hits(hits);
    core.statistics.misses(misses);
  }

  /** Counts the time of a read that started at {@code start}. */
  public void readTime(long start) {
    core.statistics.getTime(System.nanoTime() - start);
  }

  /** Counts {@code n} puts that started at {@code start}. */
  public void put(int n, long start) {
    core.statistics.puts(n);
    core.statistics.putTime(System.nanoTime() - start);
  }

  /** Counts {@code n} removals that started at {@code start}. */
  public void removed(int n, long start) {
    core.statistics.removals(n);
    core.statistics.removeTime(System.nanoTime() - start);
  }
}
