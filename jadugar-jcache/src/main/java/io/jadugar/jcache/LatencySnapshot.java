package io.jadugar.jcache;

import java.time.Duration;

/**
 * How long one kind of operation took, since statistics were enabled or cleared. Percentiles are
 * read from buckets a quarter of a power of two wide: within 25% of the exact value, never above
 * the maximum.
 *
 * @param count how many were timed
 * @param mean their mean
 * @param p50 the median
 * @param p99 the 99th percentile
 * @param max the longest
 */
public record LatencySnapshot(long count, Duration mean, Duration p50, Duration p99, Duration max) {

  /** Nothing timed yet. */
  public static final LatencySnapshot NONE =
      new LatencySnapshot(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
}
