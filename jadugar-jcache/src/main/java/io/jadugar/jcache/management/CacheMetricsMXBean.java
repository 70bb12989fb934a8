package io.jadugar.jcache.management;

/**
 * One cache's {@link io.jadugar.jcache.MetricsSnapshot} over JMX, registered as
 * {@code io.jadugar:type=CacheMetrics,CacheManager=<uri>,Cache=<name>} while the cache's statistics
 * are enabled, beside the JSR-107 statistics bean. Latency is in microseconds (count, mean, p50, p99
 * and max per kind: get, put, remove); a memory figure the store cannot tell is -1.
 */
public interface CacheMetricsMXBean {

  /** Gets timed (a {@code getAll} is one). */
  long getGetCount();

  /** Mean time of a get, µs. */
  double getGetMeanMicros();

  /** Median time of a get, µs. */
  double getGetP50Micros();

  /** 99th percentile of a get's time, µs. */
  double getGetP99Micros();

  /** Longest get, µs. */
  double getGetMaxMicros();

  /** Puts timed (a {@code putAll} is one). */
  long getPutCount();

  /** Mean time of a put, µs. */
  double getPutMeanMicros();

  /** Median time of a put, µs. */
  double getPutP50Micros();

  /** 99th percentile of a put's time, µs. */
  double getPutP99Micros();

  /** Longest put, µs. */
  double getPutMaxMicros();

  /** Removes timed (a {@code removeAll} is one). */
  long getRemoveCount();

  /** Mean time of a remove, µs. */
  double getRemoveMeanMicros();

  /** Median time of a remove, µs. */
  double getRemoveP50Micros();

  /** 99th percentile of a remove's time, µs. */
  double getRemoveP99Micros();

  /** Longest remove, µs. */
  double getRemoveMaxMicros();

  /** Reads that found their entry. */
  long getHits();

  /** Reads that did not. */
  long getMisses();

  /** Entries written. */
  long getPuts();

  /** Entries removed. */
  long getRemovals();

  /** Entries the store's bound dropped. */
  long getEvictions();

  /** Stored entries that did not decode and counted as misses. */
  long getCorruptEntries();

  /** Requests to the store's servers that failed or could not be sent. */
  long getStoreErrors();

  /** Failures of the cache's {@code CacheWriter}. */
  long getWriterErrors();

  /** Failures of the cache's {@code CacheLoader}. */
  long getLoaderErrors();

  /** Failures of entry processors. */
  long getProcessorErrors();

  /** Exchanges with the store's servers; 0 on the memory store. */
  long getRoundTrips();

  /** The heap this cache's entries take, estimated (the memory store); -1 on a remote store. */
  long getEstimatedBytes();

  /** The memory in use the servers report, summed: a server-wide figure; -1 on the memory store or unknown. */
  long getServerBytes();
}
