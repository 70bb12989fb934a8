package io.jadugar.jcache.health;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One health check of a store or a cache manager.
 *
 * @param status {@link HealthStatus#UP} if every server answered, {@link HealthStatus#DEGRADED} if
 *     some did, {@link HealthStatus#DOWN} if none did
 * @param store the store kind: {@code memory}, {@code redis}, {@code memcached} (joined by {@code +}
 *     for a cache manager whose caches use several)
 * @param servers each server asked, in a stable order; empty for an embedded store
 * @param details what else the check learned cheaply, by name (memory: {@code size} and its bound
 *     {@code maximumSize} or {@code maximumWeight}; Redis: {@code mode}; ...)
 * @param checkedAt when the check started
 */
public record HealthReport(HealthStatus status, String store, List<ServerHealth> servers,
    Map<String, Object> details, Instant checkedAt) {

  /** Copies the list and the map (keeping the map's order), so that a report never changes. */
  public HealthReport {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(checkedAt, "checkedAt");
    servers = List.copyOf(servers);
    Map<String, Object> copy = new LinkedHashMap<>();
    details.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "a detail's name"),
        Objects.requireNonNull(v, () -> "detail " + k + " (leave out what is unknown)")));
    details = Collections.unmodifiableMap(copy);
  }

  /** A report of the servers checked at {@code checkedAt}: the status follows from who answered. */
  public static HealthReport of(String store, List<ServerHealth> servers, Map<String, Object> details,
      Instant checkedAt) {
    int answered = 0;
    for (ServerHealth s : servers) {
      answered += s.answered() ? 1 : 0;
    }
    return new HealthReport(HealthStatus.of(answered, servers.size()), store, servers, details, checkedAt);
  }

  /** The report of a server, by address, or {@code null} if it was not checked. */
  public ServerHealth server(String address) {
    for (ServerHealth s : servers) {
      if (s.address().equals(address)) {
        return s;
      }
    }
    return null;
  }
}
