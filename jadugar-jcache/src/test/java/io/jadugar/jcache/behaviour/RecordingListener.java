package io.jadugar.jcache.behaviour;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * A listener for all four event kinds that records a snapshot of every event it
 * receives, in arrival order, and counts calls to {@link #close()}.
 */
final class RecordingListener<K, V> implements CacheEntryCreatedListener<K, V>,
    CacheEntryUpdatedListener<K, V>, CacheEntryRemovedListener<K, V>,
    CacheEntryExpiredListener<K, V>, Closeable {

  /** An immutable copy of what a {@link CacheEntryEvent} reported when it was delivered. */
  static final class Ev {
    final EventType type;
    final Object key;
    final Object value;
    final Object oldValue;
    final boolean oldValueAvailable;
    final String thread;

    Ev(EventType type, Object key, Object value, Object oldValue, boolean oldValueAvailable) {
      this.type = type;
      this.key = key;
      this.value = value;
      this.oldValue = oldValue;
      this.oldValueAvailable = oldValueAvailable;
      this.thread = Thread.currentThread().getName();
    }

    /** type/key/value only, e.g. {@code CREATED k=1}, handy for order assertions. */
    String brief() {
      return type + " " + key + "=" + value;
    }

    @Override
    public String toString() {
      return type + " " + key + "=" + value + " old=" + oldValue
          + (oldValueAvailable ? " (old available)" : " (old not available)");
    }
  }

  private final List<Ev> events = new ArrayList<>();
  private final AtomicInteger closeCount = new AtomicInteger();

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends K, ? extends V>> batch)
      throws CacheEntryListenerException {
    record(batch, EventType.CREATED);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends K, ? extends V>> batch)
      throws CacheEntryListenerException {
    record(batch, EventType.UPDATED);
  }

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<? extends K, ? extends V>> batch)
      throws CacheEntryListenerException {
    record(batch, EventType.REMOVED);
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends K, ? extends V>> batch)
      throws CacheEntryListenerException {
    record(batch, EventType.EXPIRED);
  }

  private void record(Iterable<CacheEntryEvent<? extends K, ? extends V>> batch,
                      EventType callback) {
    for (CacheEntryEvent<? extends K, ? extends V> e : batch) {
      if (e.getEventType() != callback) {
        throw new AssertionError("event of type " + e.getEventType()
            + " delivered to the " + callback + " callback");
      }
      Ev ev = new Ev(e.getEventType(), e.getKey(), e.getValue(), e.getOldValue(),
          e.isOldValueAvailable());
      synchronized (events) {
        events.add(ev);
      }
    }
  }

  @Override
  public void close() {
    closeCount.incrementAndGet();
  }

  int closeCount() {
    return closeCount.get();
  }

  /** A copy of every recorded event, in arrival order. */
  List<Ev> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  int size() {
    synchronized (events) {
      return events.size();
    }
  }

  List<Ev> eventsOfType(EventType type) {
    return events().stream().filter(e -> e.type == type).collect(Collectors.toList());
  }

  List<Ev> eventsForKey(Object key) {
    return events().stream().filter(e -> Objects.equals(e.key, key)).collect(Collectors.toList());
  }

  /** {@link Ev#brief()} of every recorded event, in arrival order. */
  List<String> briefs() {
    return events().stream().map(Ev::brief).collect(Collectors.toList());
  }

  List<String> briefsForKey(Object key) {
    return eventsForKey(key).stream().map(Ev::brief).collect(Collectors.toList());
  }

  void reset() {
    synchronized (events) {
      events.clear();
    }
  }
}
