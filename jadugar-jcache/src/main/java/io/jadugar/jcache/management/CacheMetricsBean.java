package io.jadugar.jcache.management;

import io.jadugar.jcache.JadugarManager;
import io.jadugar.jcache.LatencySnapshot;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.spi.Store;
import io.jadugar.jcache.spi.StoreMemory;
import java.time.Duration;
import java.util.function.Function;

/**
 * The metrics bean of one cache. Each attribute reads the counters as they are now; the memory
 * figures, which may ask the servers, are read at most once a second (a JMX console asks for every
 * attribute at each refresh) and wait at most {@link JadugarManager#DEFAULT_HEALTH_TIMEOUT}.
 */
public final class CacheMetricsBean implements CacheMetricsMXBean {

  private static final long MEMORY_MAX_AGE_NANOS = 1_000_000_000L;

  private final String cache;
  private final CacheStatistics statistics;
  private final Store store;
  /** The last memory reading and when it was taken; replaced whole, so one volatile read sees both. */
  private volatile Reading memory;

  private record Reading(StoreMemory memory, long atNanos) {}

  /** The bean of {@code cache}, whose engine counts in {@code statistics} and whose store is {@code store}. */
  public CacheMetricsBean(String cache, CacheStatistics statistics, Store store) {
    this.cache = cache;
    this.statistics = statistics;
    this.store = store;
  }

  private MetricsSnapshot counts() {
    return statistics.snapshot(cache, store.traffic(), StoreMemory.UNKNOWN, java.util.Map.of());
  }

  private StoreMemory memory() {
    Reading r = memory;
    long now = System.nanoTime();
    if (r == null || now - r.atNanos() > MEMORY_MAX_AGE_NANOS) {
      r = new Reading(store.memory(JadugarManager.DEFAULT_HEALTH_TIMEOUT), now);
      memory = r;
    }
    return r.memory();
  }

  private double latency(String kind, Function<LatencySnapshot, Duration> figure) {
    return figure.apply(counts().latency().get(kind)).toNanos() / 1000.0;
  }

  private long errors(String kind) {
    return counts().errors().get(kind);
  }

  private static long orMinusOne(Long bytes) {
    return bytes == null ? -1 : bytes;
  }

  @Override
  public long getGetCount() {
    return counts().latency().get("get").count();
  }

  @Override
  public double getGetMeanMicros() {
    return latency("get", LatencySnapshot::mean);
  }

  @Override
  public double getGetP50Micros() {
    return latency("get", LatencySnapshot::p50);
  }

  @Override
  public double getGetP99Micros() {
    return latency("get", LatencySnapshot::p99);
  }

  @Override
  public double getGetMaxMicros() {
    return latency("get", LatencySnapshot::max);
  }

  @Override
  public long getPutCount() {
    return counts().latency().get("put").count();
  }

  @Override
  public double getPutMeanMicros() {
    return latency("put", LatencySnapshot::mean);
  }

  @Override
  public double getPutP50Micros() {
    return latency("put", LatencySnapshot::p50);
  }

  @Override
  public double getPutP99Micros() {
    return latency("put", LatencySnapshot::p99);
  }

  @Override
  public double getPutMaxMicros() {
    return latency("put", LatencySnapshot::max);
  }

  @Override
  public long getRemoveCount() {
    return counts().latency().get("remove").count();
  }

  @Override
  public double getRemoveMeanMicros() {
    return latency("remove", LatencySnapshot::mean);
  }

  @Override
  public double getRemoveP50Micros() {
    return latency("remove", LatencySnapshot::p50);
  }

  @Override
  public double getRemoveP99Micros() {
    return latency("remove", LatencySnapshot::p99);
  }

  @Override
  public double getRemoveMaxMicros() {
    return latency("remove", LatencySnapshot::max);
  }

  @Override
  public long getHits() {
    return statistics.getCacheHits();
  }

  @Override
  public long getMisses() {
    return statistics.getCacheMisses();
  }

  @Override
  public long getPuts() {
    return statistics.getCachePuts();
  }

  @Override
  public long getRemovals() {
    return statistics.getCacheRemovals();
  }

  @Override
  public long getEvictions() {
    return statistics.getCacheEvictions();
  }

  @Override
  public long getCorruptEntries() {
    return statistics.getCorruptEntries();
  }

  @Override
  public long getStoreErrors() {
    return store.traffic().errors();
  }

  @Override
  public long getWriterErrors() {
    return errors("writer");
  }

  @Override
  public long getLoaderErrors() {
    return errors("loader");
  }

  @Override
  public long getProcessorErrors() {
    return errors("processor");
  }

  @Override
  public long getRoundTrips() {
    return store.traffic().roundTrips();
  }

  @Override
  public long getEstimatedBytes() {
    return orMinusOne(memory().estimatedBytes());
  }

  @Override
  public long getServerBytes() {
    return orMinusOne(memory().serverBytes());
  }
}
