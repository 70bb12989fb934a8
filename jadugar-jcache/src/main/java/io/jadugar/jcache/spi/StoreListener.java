package io.jadugar.jcache.spi;

/**
 * What a store tells the engine about entries it dropped on its own: expired entries that nobody
 * read, and entries evicted to respect a size bound.
 */
public interface StoreListener {

  /** A listener that ignores everything. */
  StoreListener NONE = new StoreListener() {
    @Override
    public void expired(StoreEntry entry) {}

    @Override
    public void evicted(StoreEntry entry) {}
  };

  /** The store removed {@code entry} because its expiry time passed. */
  void expired(StoreEntry entry);

  /** The store removed {@code entry} to stay within its bound. */
  void evicted(StoreEntry entry);
}
