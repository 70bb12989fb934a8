package io.jadugar.jcache.spi;

import javax.cache.event.EventType;

/**
 * What a store tells the engine about changes the engine did not make itself: entries it expired
 * or evicted on its own, and (for a shared store that can tell) changes made by other JVMs, which
 * the engine passes on to this JVM's listeners.
 */
public interface StoreListener {

  /** A listener that ignores everything. */
  StoreListener NONE = new StoreListener() {
    @Override
    public void expired(StoreEntry entry) {}

    @Override
    public void evicted(StoreEntry entry) {}

    @Override
    public void changedElsewhere(EventType type, Object key, Object value, Object oldValue) {}
  };

  /** The store removed {@code entry} because its expiry time passed. */
  void expired(StoreEntry entry);

  /** The store removed {@code entry} to stay within its bound. */
  void evicted(StoreEntry entry);

  /**
   * Another JVM changed an entry of this cache. Key and values are in the store's representation;
   * {@code value} is the new value (for {@code REMOVED} and {@code EXPIRED} the value removed),
   * {@code oldValue} the replaced value of an {@code UPDATED}, or {@code null}. A store must not
   * report the changes of its own JVM: the engine has already reported those.
   */
  void changedElsewhere(EventType type, Object key, Object value, Object oldValue);
}
