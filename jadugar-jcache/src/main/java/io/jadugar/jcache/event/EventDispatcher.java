package io.jadugar.jcache.event;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;

/**
 * The listeners of one cache and the delivery of its events. With no listener registered,
 * {@link #hasListeners(EventType)} is a field read and nothing is allocated.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EventDispatcher<K, V> {

  private final Cache<K, V> source;
  private final Executor asyncExecutor;
  private volatile List<ListenerRegistration<K, V>> registrations = List.of();
  private volatile int types;

  /** A dispatcher for events of {@code source}; asynchronous listeners run on {@code asyncExecutor}. */
  public EventDispatcher(Cache<K, V> source, Executor asyncExecutor) {
    this.source = source;
    this.asyncExecutor = asyncExecutor;
  }

  /** Registers a listener; false if one with an equal configuration is already registered. */
  public synchronized boolean register(CacheEntryListenerConfiguration<K, V> configuration) {
    for (ListenerRegistration<K, V> r : registrations) {
      if (r.configuration.equals(configuration)) {
        return false;
      }
    }
    List<ListenerRegistration<K, V>> next = new ArrayList<>(registrations);
    next.add(new ListenerRegistration<>(configuration, asyncExecutor));
    update(next);
    return true;
  }

  /** Deregisters and closes the listener registered with {@code configuration}, if any. */
  public synchronized void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    List<ListenerRegistration<K, V>> next = new ArrayList<>(registrations);
    for (ListenerRegistration<K, V> r : registrations) {
      if (r.configuration.equals(configuration)) {
        next.remove(r);
        r.close();
      }
    }
    update(next);
  }

  private void update(List<ListenerRegistration<K, V>> next) {
    int t = 0;
    for (ListenerRegistration<K, V> r : next) {
      t |= r.types;
    }
    registrations = List.copyOf(next);
    types = t;
  }

  /** Whether any listener hears events of {@code type}. */
  public boolean hasListeners(EventType type) {
    return (types & (1 << type.ordinal())) != 0;
  }

  /** Whether any listener is registered at all. */
  public boolean hasListeners() {
    return types != 0;
  }

  /**
   * Delivers one event to every listener of its type. Synchronous listeners run now; if any
   * throws, every listener still gets the event and the first failure is thrown afterwards,
   * wrapped in {@link CacheEntryListenerException}.
   */
  public void publish(EventType type, K key, V value, V oldValue) {
    if (!hasListeners(type)) {
      return;
    }
    RuntimeException failure = null;
    EntryEvent<K, V> withOld = null;
    EntryEvent<K, V> withoutOld = null;
    for (ListenerRegistration<K, V> r : registrations) {
      if (!r.hears(type)) {
        continue;
      }
      EntryEvent<K, V> event;
      if (r.isOldValueRequired()) {
        event = withOld != null ? withOld
            : (withOld = new EntryEvent<>(source, type, key, value, oldValue, oldValue != null));
      } else {
        // a removed or expired entry's value is its old value: withheld too when not asked for
        event = withoutOld != null ? withoutOld : (withoutOld = new EntryEvent<>(source, type, key,
            type == EventType.REMOVED || type == EventType.EXPIRED ? null : value, null, false));
      }
      try {
        r.deliver(event);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure instanceof CacheEntryListenerException ? failure
          : new CacheEntryListenerException(failure);
    }
  }

  /** Closes every listener and filter. */
  public synchronized void close() {
    for (ListenerRegistration<K, V> r : registrations) {
      r.close();
    }
    update(List.of());
  }
}
