package io.jadugar.jcache.event;

import java.io.Closeable;
import java.util.List;
import java.util.concurrent.Executor;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener created from its configuration, with its filter and, when asynchronous, the serial
 * executor that keeps its events in order.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class ListenerRegistration<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(ListenerRegistration.class);

  final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final CacheEntryEventFilter<? super K, ? super V> filter;
  private final Executor async;
  /** Bit set of the {@link EventType} ordinals this listener hears. */
  final int types;

  ListenerRegistration(CacheEntryListenerConfiguration<K, V> configuration, Executor asyncExecutor) {
    this.configuration = configuration;
    this.listener = configuration.getCacheEntryListenerFactory().create();
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    this.filter = filterFactory == null ? null : filterFactory.create();
    this.async = configuration.isSynchronous() ? null : new SerialExecutor(asyncExecutor);
    int t = 0;
    if (listener instanceof CacheEntryCreatedListener) {
      t |= 1 << EventType.CREATED.ordinal();
    }
    if (listener instanceof CacheEntryUpdatedListener) {
      t |= 1 << EventType.UPDATED.ordinal();
    }
    if (listener instanceof CacheEntryRemovedListener) {
      t |= 1 << EventType.REMOVED.ordinal();
    }
    if (listener instanceof CacheEntryExpiredListener) {
      t |= 1 << EventType.EXPIRED.ordinal();
    }
    this.types = t;
  }

  boolean hears(EventType type) {
    return (types & (1 << type.ordinal())) != 0;
  }

  boolean isOldValueRequired() {
    return configuration.isOldValueRequired();
  }

  /**
   * Delivers {@code event} if the filter lets it through: now when synchronous (a listener's
   * exception comes back wrapped), or queued behind this listener's earlier events.
   */
  void deliver(EntryEvent<K, V> event) {
    if (async == null) {
      if (accepts(event)) {
        invoke(event);
      }
    } else {
      async.execute(() -> {
        try {
          if (accepts(event)) {
            invoke(event);
          }
        } catch (RuntimeException e) {
          LOG.warn("Asynchronous cache entry listener {} failed on {}", listener, event, e);
        }
      });
    }
  }

  private boolean accepts(EntryEvent<K, V> event) {
    try {
      return filter == null || filter.evaluate(event);
    } catch (CacheEntryListenerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheEntryListenerException("Cache entry event filter failed", e);
    }
  }

  @SuppressWarnings("unchecked")
  private void invoke(EntryEvent<K, V> event) {
    List<EntryEvent<K, V>> events = List.of(event);
    try {
      switch (event.getEventType()) {
        case CREATED:
          ((CacheEntryCreatedListener<K, V>) listener).onCreated((Iterable) events);
          break;
        case UPDATED:
          ((CacheEntryUpdatedListener<K, V>) listener).onUpdated((Iterable) events);
          break;
        case REMOVED:
          ((CacheEntryRemovedListener<K, V>) listener).onRemoved((Iterable) events);
          break;
        case EXPIRED:
          ((CacheEntryExpiredListener<K, V>) listener).onExpired((Iterable) events);
          break;
        default:
          throw new AssertionError(event.getEventType());
      }
    } catch (CacheEntryListenerException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheEntryListenerException("Cache entry listener failed on " + event, e);
    }
  }

  /** Closes the listener and filter if they hold resources. */
  void close() {
    closeQuietly(listener);
    closeQuietly(filter);
  }

  static void closeQuietly(Object o) {
    if (o instanceof Closeable) {
      try {
        ((Closeable) o).close();
      } catch (Exception e) {
        LOG.warn("Failed to close {}", o, e);
      }
    }
  }
}
