package io.jadugar.jcache.store;

import io.jadugar.jcache.health.ServerHealth;
import io.jadugar.jcache.spi.StoreStateListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of one remote store client: the last error seen on each (by an operation, the
 * connection or a health check) with its time, whether its connection is up, and the
 * {@link StoreStateListener}s that hear it go down and come back.
 *
 * <p>The clients report from their I/O threads; listeners run on one daemon thread shared by every
 * client, in order, so that a slow or failing listener never stalls or breaks a connection.
 */
public final class ServerStates {

  private static final Logger LOG = LoggerFactory.getLogger(ServerStates.class);
  private static final ExecutorService EVENTS =
      Executors.newSingleThreadExecutor(DaemonThreads.named("jadugar-store-events"));

  /** The last error of a server and when it was seen. */
  private record Failure(String message, Instant at) {}

  private final String store;
  private final Map<String, Failure> errors = new ConcurrentHashMap<>();
  /** Addresses whose connection is known to be lost; an address comes back by {@link #up}. */
  private final Map<String, Boolean> down = new ConcurrentHashMap<>();
  private final List<StoreStateListener> listeners = new CopyOnWriteArrayList<>();

  /** The record of a store named {@code store} (for log lines: {@code redis}, {@code memcached}). */
  public ServerStates(String store) {
    this.store = store;
  }

  /** Records {@code message} as the last error of the server at {@code address}, seen now. */
  public void error(String address, String message) {
    errors.put(address, new Failure(message, Instant.now()));
  }

  /**
   * The connection to {@code address} was lost: records it as an error and, if it was up, tells the
   * listeners. Safe to call on an I/O thread.
   */
  public void down(String address, Throwable cause) {
    error(address, "connection lost" + (cause == null ? "" : ": " + cause));
    if (down.put(address, Boolean.TRUE) == null) {
      LOG.warn("{} server {}: connection lost", store, address);
      fire(address, cause, false);
    }
  }

  /** The connection to {@code address} is back: if it was down, tells the listeners. Safe on an I/O thread. */
  public void up(String address) {
    if (down.remove(address) != null) {
      LOG.info("{} server {}: connection restored", store, address);
      fire(address, null, true);
    }
  }

  /**
   * Records that {@code address} could not be reached (at start-up), without an event: its first
   * connection is then heard as the server coming up.
   */
  public void markDown(String address, String message) {
    error(address, message);
    down.put(address, Boolean.TRUE);
  }

  /** Whether the connection to {@code address} is known to be lost. */
  public boolean isDown(String address) {
    return down.containsKey(address);
  }

  /** Forgets connection states (not errors), as after a deliberate disconnect: no event follows. */
  public void reset() {
    down.clear();
  }

  /** The health of {@code address}: {@code roundTrip} if it answered, else {@code null}, with its last error. */
  public ServerHealth health(String address, Duration roundTrip) {
    Failure f = errors.get(address);
    return new ServerHealth(address, roundTrip != null, roundTrip, f == null ? null : f.message(),
        f == null ? null : f.at());
  }

  /** Adds a listener. */
  public void addListener(StoreStateListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(StoreStateListener listener) {
    listeners.remove(listener);
  }

  private void fire(String address, Throwable cause, boolean up) {
    if (listeners.isEmpty()) {
      return;
    }
    EVENTS.execute(() -> {
      for (StoreStateListener l : listeners) {
        try {
          if (up) {
            l.up(address);
          } else {
            l.down(address, cause);
          }
        } catch (RuntimeException e) {
          LOG.warn("A store state listener failed on {} server {} going {}", store, address, up ? "up" : "down", e);
        }
      }
    });
  }
}
