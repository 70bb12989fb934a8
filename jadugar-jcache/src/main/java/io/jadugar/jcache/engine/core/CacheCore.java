package io.jadugar.jcache.engine.core;

import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.copy.EntryCodec;
import io.jadugar.jcache.event.EventDispatcher;
import io.jadugar.jcache.expiry.ExpiryCalculator;
import io.jadugar.jcache.management.CacheStatistics;
import io.jadugar.jcache.spi.EntryMetadata;
import io.jadugar.jcache.spi.Store;
import java.time.Clock;
import java.util.concurrent.Executor;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;

/**
 * The parts of one cache that every part of the engine reads, fixed when the cache is built; only
 * whether statistics are counted changes later.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CacheCore<K, V> {

  /** The cache's name, for messages. */
  public final String name;
  /** Where the entries live. */
  public final Store store;
  /** Turns keys and values into what the store holds, and back. */
  public final EntryCodec codec;
  /** Every expiry decision reads this clock, so that a test can move time instead of sleeping. */
  public final Clock clock;
  /** The cache's expiry policy, as times. */
  public final ExpiryCalculator expiry;
  /** Whether the policy is the standard eternal one: then no entry expires unless given its own time. */
  public final boolean eternal;
  /** Whether the policy can change an entry's expiry on access: the constant policies cannot. */
  public final boolean accessExpiry;
  /** The loader, or null. */
  public final CacheLoader<K, V> loader;
  /** The writer if the cache writes through, else null. */
  public final CacheWriter<K, V> writer;
  /** Whether a miss loads through {@link #loader}. */
  public final boolean readThrough;
  /** The JSR-107 listeners. */
  public final EventDispatcher<K, V> events;
  /** The JSR-107 statistics and the vendor metrics. */
  public final CacheStatistics statistics;
  /** Runs what must not run on the caller's thread: loadAll, vendor events. */
  public final Executor executor;
  private volatile boolean counting;

  /** The parts of cache {@code name}; see each field. */
  public CacheCore(String name, Store store, EntryCodec codec, Clock clock, ExpiryCalculator expiry,
      boolean eternal, boolean accessExpiry, CacheLoader<K, V> loader, CacheWriter<K, V> writer,
      boolean readThrough, EventDispatcher<K, V> events, CacheStatistics statistics, Executor executor) {
    this.name = name;
    this.store = store;
    this.codec = codec;
    this.clock = clock;
    this.expiry = expiry;
    this.eternal = eternal;
    this.accessExpiry = accessExpiry;
    this.loader = loader;
    this.writer = writer;
    this.readThrough = readThrough;
    this.events = events;
    this.statistics = statistics;
    this.executor = executor;
  }

  /** Whether statistics are counted now. */
  public boolean counting() {
    return counting;
  }

  /** Starts or stops counting statistics. */
  public void counting(boolean on) {
    counting = on;
  }

  /** A start time for an operation's statistics, or 0 when nothing is counted (no clock read). */
  public long start() {
    return counting ? System.nanoTime() : 0L;
  }

  /** The value as the store holds it, with the metadata of {@code options} if they carry any. */
  public Object encodeValue(Object value, EntryOptions options) {
    return options.metadata().isEmpty() ? codec.encodeValue(value)
        : codec.encodeValue(value, new EntryMetadata(clock.millis(), options.metadata()));
  }
}
