package io.jadugar.jcache;

import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.spi.StoreStateListener;
import java.time.Duration;

/**
 * Jadugar's cache-manager-level vendor API, beyond JSR-107: the health of the stores behind the
 * manager's caches and the lifecycle of their connections. Reached by
 * {@code cacheManager.unwrap(JadugarManager.class)}.
 *
 * <p>{@link #disconnect()} closes the connections to Redis or memcached but not the caches: while
 * disconnected, an operation on a cache of a remote store fails at once with a
 * {@link javax.cache.CacheException} that says the cache manager is disconnected, and
 * {@link #connect()} brings the same cache objects back, with the entries the servers kept. The
 * embedded memory store has no connection: its caches keep working and keep their entries
 * throughout, and it counts as connected.
 */
public interface JadugarManager {

  /** How long {@link #health()} waits for the servers. */
  Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(1);

  /** {@link #health(Duration)} with {@link #DEFAULT_HEALTH_TIMEOUT}. */
  default HealthReport health() {
    return health(DEFAULT_HEALTH_TIMEOUT);
  }

  /**
   * Asks every server of every store the caches use (a real PING or no-op, in parallel) and returns
   * within about {@code timeout}: {@code UP} if all answered, {@code DOWN} if none did,
   * {@code DEGRADED} otherwise, with each server's round trip and last error. With caches on several
   * kinds of store the report joins them: store {@code redis+memory}, the servers of all, and each
   * kind's own report under its name in the details.
   */
  HealthReport health(Duration timeout);

  /** Opens the connections again after {@link #disconnect()}; a no-op when connected. Fails naming the server it cannot reach. */
  void connect();

  /** Closes every store connection, keeping the caches; see the class comment. A no-op when disconnected. */
  void disconnect();

  /** Whether the connections are open, that is, not {@link #disconnect() disconnected}; does no I/O (see {@link #health()} for that). */
  boolean isConnected();

  /** {@link JadugarCache#flush()} of every open cache of this manager, one after another. */
  void flush();

  /** Hears the servers of every store go down (connection lost) and come back. */
  void addStoreStateListener(StoreStateListener listener);

  /** Stops {@code listener} hearing them. */
  void removeStoreStateListener(StoreStateListener listener);
}
