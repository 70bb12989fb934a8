package io.jadugar.jcache.spi;

import io.jadugar.jcache.health.HealthReport;
import io.jadugar.jcache.health.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A store's connection, shared by the caches of one cache manager.
 *
 * <p>Its lifecycle is the cache manager's: {@link #disconnect()} closes the connections and leaves
 * the caches' stores open but failing fast, {@link #connect()} opens them again and the same stores
 * work on, and {@link #close()} ends it for good. An embedded store has no connection: the defaults
 * keep it always connected and always {@link HealthStatus#UP}.
 */
public interface StoreClient extends AutoCloseable {

  /** Opens the store of one cache. */
  Store open(StoreOptions options);

  /** Releases the connection; the caches' stores are closed before. */
  @Override
  void close();

  /**
   * Checks every server with a real ping or no-op and at most {@code timeout} of waiting, measuring
   * each round trip; never a guess from cached state. By default: up, with no servers.
   */
  default HealthReport health(Duration timeout) {
    return new HealthReport(HealthStatus.UP, "unknown", List.of(), Map.of(), Instant.now());
  }

  /**
   * Opens the connections again after {@link #disconnect()}; the stores already open work on. A
   * no-op when connected. Fails, naming the server, if it cannot connect.
   */
  default void connect() {}

  /**
   * Closes the connections, keeping the stores open: until {@link #connect()}, their operations fail
   * at once with an error that says the cache manager is disconnected. A no-op when disconnected.
   */
  default void disconnect() {}

  /** Whether the connections are open (not {@link #disconnect() disconnected}); does no I/O. */
  default boolean isConnected() {
    return true;
  }

  /** Adds a listener for server connections lost and restored. By default nothing is ever heard. */
  default void addStateListener(StoreStateListener listener) {}

  /** Removes a listener added by {@link #addStateListener}. */
  default void removeStateListener(StoreStateListener listener) {}
}
