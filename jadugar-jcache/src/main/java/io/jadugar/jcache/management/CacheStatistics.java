package io.jadugar.jcache.management;

import io.jadugar.jcache.LatencySnapshot;
import io.jadugar.jcache.MetricsSnapshot;
import io.jadugar.jcache.spi.StoreMemory;
import io.jadugar.jcache.spi.StoreTraffic;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The statistics of one cache, counted synchronously on striped counters so that busy threads do
 * not contend on one cache line. Times are kept in nanoseconds and reported in microseconds. Corrupt
 * entries and the errors of the writer, the loader and entry processors are counted always, since
 * the cache started: {@link #clear()} leaves them.
 */
public final class CacheStatistics implements CacheStatisticsMXBean {

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getNanos = new LongAdder();
  private final LongAdder putNanos = new LongAdder();
  private final LongAdder removeNanos = new LongAdder();
  private final LongAdder corrupt = new LongAdder();
  private final LongAdder writerErrors = new LongAdder();
  private final LongAdder loaderErrors = new LongAdder();
  private final LongAdder processorErrors = new LongAdder();
  private final LatencyHistogram getLatency = new LatencyHistogram();
  private final LatencyHistogram putLatency = new LatencyHistogram();
  private final LatencyHistogram removeLatency = new LatencyHistogram();

  /** Counts {@code n} hits. */
  public void hits(long n) {
    hits.add(n);
  }

  /** Counts {@code n} misses. */
  public void misses(long n) {
    misses.add(n);
  }

  /** Counts {@code n} puts. */
  public void puts(long n) {
    puts.add(n);
  }

  /** Counts {@code n} removals. */
  public void removals(long n) {
    removals.add(n);
  }

  /** Counts {@code n} evictions. */
  public void evictions(long n) {
    evictions.add(n);
  }

  /** Counts {@code n} stored entries whose bytes did not decode; always counted. */
  public void corrupt(long n) {
    corrupt.add(n);
  }

  /** Stored entries whose bytes did not decode and counted as misses, since the cache started. */
  public long getCorruptEntries() {
    return corrupt.sum();
  }

  /** Counts a failure of the cache's {@code CacheWriter}; always counted. */
  public void writerError() {
    writerErrors.increment();
  }

  /** Counts a failure of the cache's {@code CacheLoader}; always counted. */
  public void loaderError() {
    loaderErrors.increment();
  }

  /** Counts a failure of an {@code EntryProcessor}; always counted. */
  public void processorError() {
    processorErrors.increment();
  }

  /** Adds time spent reading. */
  public void getTime(long nanos) {
    getNanos.add(nanos);
    getLatency.record(nanos);
  }

  /** Adds time spent writing. */
  public void putTime(long nanos) {
    putNanos.add(nanos);
    putLatency.record(nanos);
  }

  /** Adds time spent removing. */
  public void removeTime(long nanos) {
    removeNanos.add(nanos);
    removeLatency.record(nanos);
  }

  @Override
  public void clear() {
    hits.reset();
    misses.reset();
    puts.reset();
    removals.reset();
    evictions.reset();
    getNanos.reset();
    putNanos.reset();
    removeNanos.reset();
    getLatency.clear();
    putLatency.clear();
    removeLatency.clear();
  }

  /**
   * These statistics with latency percentiles, for {@code cache}, with what its store counted
   * ({@code traffic}: round trips, store errors), the memory behind it and what its writer reports.
   */
  public MetricsSnapshot snapshot(String cache, StoreTraffic traffic, StoreMemory memory, Map<String, Long> writer) {
    Map<String, LatencySnapshot> latency = new LinkedHashMap<>();
    latency.put("get", getLatency.snapshot());
    latency.put("put", putLatency.snapshot());
    latency.put("remove", removeLatency.snapshot());
    Map<String, Long> errors = new LinkedHashMap<>();
    errors.put("store", traffic.errors());
    errors.put("writer", writerErrors.sum());
    errors.put("loader", loaderErrors.sum());
    errors.put("processor", processorErrors.sum());
    return new MetricsSnapshot(cache, Collections.unmodifiableMap(latency), getCacheHits(), getCacheMisses(),
        getCachePuts(), getCacheRemovals(), getCacheEvictions(), getCorruptEntries(),
        Collections.unmodifiableMap(errors), traffic.roundTrips(), memory.estimatedBytes(), memory.serverBytes(),
        writer, Instant.now());
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long h = getCacheHits();
    long total = h + getCacheMisses();
    return total == 0 ? 0f : h * 100f / total;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long m = getCacheMisses();
    long total = m + getCacheHits();
    return total == 0 ? 0f : m * 100f / total;
  }

  @Override
  public long getCacheGets() {
    return getCacheHits() + getCacheMisses();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return average(getNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return average(putNanos.sum(), getCachePuts());
  }

  @Override
  public float getAverageRemoveTime() {
    return average(removeNanos.sum(), getCacheRemovals());
  }

  private static float average(long nanos, long count) {
    return count == 0 ? 0f : nanos / 1000f / count;
  }
}
