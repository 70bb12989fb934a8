package io.jadugar.jcache.management;

import io.jadugar.jcache.LatencySnapshot;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies of one kind of operation in buckets a quarter of a power of two wide (so a percentile
 * is within 25% of the truth): a fixed array, no allocation per recording.
 */
final class LatencyHistogram {

  private static final int SUB = 4;
  private final AtomicLongArray buckets = new AtomicLongArray(64 * SUB);
  private final LongAdder count = new LongAdder();
  private final LongAdder sum = new LongAdder();
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  void record(long nanos) {
    long n = Math.max(1, nanos);
    count.increment();
    sum.add(n);
    max.accumulate(n);
    buckets.incrementAndGet(bucket(n));
  }

  private static int bucket(long n) {
    int exp = 63 - Long.numberOfLeadingZeros(n);
    int sub = exp < 2 ? 0 : (int) ((n >>> (exp - 2)) & (SUB - 1));
    return exp * SUB + sub;
  }

  /** The highest value bucket {@code i} holds. */
  private static long upper(int i) {
    int exp = i / SUB;
    int sub = i % SUB;
    if (exp < 2) {
      return (1L << (exp + 1)) - 1;
    }
    long base = 1L << exp;
    return base + (sub + 1) * (base / SUB) - 1;
  }

  void clear() {
    count.reset();
    sum.reset();
    max.reset();
    for (int i = 0; i < buckets.length(); i++) {
      buckets.set(i, 0);
    }
  }

  LatencySnapshot snapshot() {
    long c = count.sum();
    if (c == 0) {
      return LatencySnapshot.NONE;
    }
    long top = max.get();
    return new LatencySnapshot(c, Duration.ofNanos(sum.sum() / c), Duration.ofNanos(Math.min(top, quantile(c, 0.50))),
        Duration.ofNanos(Math.min(top, quantile(c, 0.99))), Duration.ofNanos(top));
  }

  private long quantile(long total, double q) {
    long rank = (long) Math.ceil(total * q);
    long seen = 0;
    for (int i = 0; i < buckets.length(); i++) {
      seen += buckets.get(i);
      if (seen >= rank) {
        return upper(i);
      }
    }
    return Long.MAX_VALUE;
  }
}
