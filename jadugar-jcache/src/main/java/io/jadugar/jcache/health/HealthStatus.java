package io.jadugar.jcache.health;

/** How well a store serves: every server answered, some did not, or none did. */
public enum HealthStatus {
  /** Every server answered (an embedded store is always up). */
  UP,
  /** Some servers answered and some did not: the keys of the silent ones fail or miss. */
  DEGRADED,
  /** No server answered, or the store is disconnected. */
  DOWN;

  /** The status of a store with {@code answered} of {@code total} servers answering. */
  public static HealthStatus of(int answered, int total) {
    return answered == total ? UP : answered == 0 ? DOWN : DEGRADED;
  }

  /** The worse of this status and {@code other}. */
  public HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
