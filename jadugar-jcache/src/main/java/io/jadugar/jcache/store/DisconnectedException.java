package io.jadugar.jcache.store;

import java.net.URI;
import javax.cache.CacheException;

/**
 * An operation on a cache whose cache manager was disconnected ({@code JadugarManager.disconnect()}):
 * it failed at once, without reaching the store, and nothing was read or written.
 */
public final class DisconnectedException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** The error of cache manager {@code manager}, disconnected from {@code where} ({@code redis at host:port}). */
  public DisconnectedException(URI manager, String where) {
    super("The cache manager " + manager + " is disconnected from " + where + ": call connect() on it"
        + " (cacheManager.unwrap(JadugarManager.class).connect()) to use its caches again");
  }
}
