package io.jadugar.jcache.spi;

import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * A kind of store, found through {@link java.util.ServiceLoader} and chosen by name
 * ({@code jadugar.store}) or by the scheme of a cache manager's URI.
 */
public interface StoreFactory {

  /** How a store holds keys and values. */
  enum Representation {
    /** The application's objects (or private copies of them), as an embedded store holds them. */
    OBJECTS,
    /** Encoded bytes, as a remote store holds them. */
    BYTES
  }

  /** The name users choose the store by, such as {@code memory}. */
  String name();

  /** URI schemes that select this store for a cache manager, such as {@code redis}. */
  default Set<String> uriSchemes() {
    return Set.of();
  }

  /** The store's own configuration keys, all under {@code jadugar.<name>.}. */
  List<Setting<?>> settings();

  /** How the store holds keys and values. */
  Representation representation();

  /**
   * Connects for one cache manager: the shared client its caches use. {@code uri} is the cache
   * manager's URI; {@code settings} are its validated settings.
   */
  StoreClient connect(URI uri, Settings settings);
}
