package io.jadugar.jcache.spi;

/** A store's connection, shared by the caches of one cache manager. */
public interface StoreClient extends AutoCloseable {

  /** Opens the store of one cache. */
  Store open(StoreOptions options);

  /** Releases the connection; the caches' stores are closed before. */
  @Override
  void close();
}
