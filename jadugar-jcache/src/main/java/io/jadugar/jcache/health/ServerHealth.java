package io.jadugar.jcache.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one server did when it was asked, and the last error seen on it (by an operation, the
 * connection or a health check), which may be older than this check.
 *
 * @param address the server, {@code host:port}
 * @param answered whether it answered the ping or no-op within the timeout
 * @param roundTrip the measured round trip, or {@code null} if it did not answer
 * @param lastError the last error seen on this server, or {@code null} if none
 * @param lastErrorAt when that error was seen, or {@code null} if none
 */
public record ServerHealth(String address, boolean answered, Duration roundTrip, String lastError,
    Instant lastErrorAt) {

  /** Checks that an answer has a round trip and that an error has its time. */
  public ServerHealth {
    Objects.requireNonNull(address, "address");
    if (answered != (roundTrip != null)) {
      throw new IllegalArgumentException("a round trip is known exactly when the server answered: " + address);
    }
    if ((lastError == null) != (lastErrorAt == null)) {
      throw new IllegalArgumentException("an error comes with its time: " + address);
    }
  }
}
