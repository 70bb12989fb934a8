package io.jadugar.jcache.store.memory;

import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreEntry;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A test store: the memory store without its native compute, so that the engine runs every
 * conditional operation through the SPI's compare-and-set loop, as a remote store does.
 */
public final class CasOnlyMemoryStoreFactory extends TestMemoryStoreFactory {

  static final String NAME = "memory-cas";

  /** The factory ServiceLoader creates. */
  public CasOnlyMemoryStoreFactory() {
    super(NAME, Representation.OBJECTS, CasOnlyStore::new);
  }

  /** Delegates everything but {@code compute}, which stays the SPI's default loop. */
  static final class CasOnlyStore implements Store {
    private final MemoryStore delegate;

    CasOnlyStore(MemoryStore delegate) {
      this.delegate = delegate;
    }

    @Override public StoreEntry get(Object key) { return delegate.get(key); }
    @Override public Map<Object, StoreEntry> getAll(Collection<?> keys) { return delegate.getAll(keys); }
    @Override public void put(StoreEntry entry) { delegate.put(entry); }
    @Override public void putAll(Collection<StoreEntry> entries) { delegate.putAll(entries); }
    @Override public boolean insert(StoreEntry entry) { return delegate.insert(entry); }
    @Override public boolean replace(StoreEntry expected, StoreEntry replacement) {
      return delegate.replace(expected, replacement);
    }
    @Override public boolean remove(StoreEntry expected) { return delegate.remove(expected); }
    @Override public StoreEntry remove(Object key) { return delegate.remove(key); }
    @Override public Map<Object, StoreEntry> removeAll(Collection<?> keys) { return delegate.removeAll(keys); }
    @Override public void clear() { delegate.clear(); }
    @Override public Iterator<StoreEntry> iterator() { return delegate.iterator(); }
    @Override public io.jadugar.jcache.spi.KeyLock lock(Object key) { return delegate.lock(key); }
    @Override public void connect() {}
    @Override public void disconnect() {}
    @Override public boolean isConnected() { return true; }
    @Override public void close() { delegate.close(); }
  }
}
