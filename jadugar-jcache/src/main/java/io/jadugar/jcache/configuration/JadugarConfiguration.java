package io.jadugar.jcache.configuration;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A {@link MutableConfiguration} completed with Jadugar's per-cache settings: store, key prefix,
 * default time to live, maximum size, and any other {@code jadugar.*} key a store accepts.
 *
 * <p>Per-cache settings override the cache manager's for this cache only; they are validated when
 * the cache is created.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public class JadugarConfiguration<K, V> extends MutableConfiguration<K, V> {

  private static final long serialVersionUID = 1L;

  /** The memory store's entry-count bound, set by {@link #setMaximumSize(long)}. */
  public static final String MAXIMUM_SIZE_KEY = "jadugar.memory.maximum-size";

  private final TreeMap<String, String> settings = new TreeMap<>();
  /** Not part of the configuration's identity and not serialized: a cache of this JVM reads it. */
  private transient java.time.Clock clock;

  /** A configuration with the JSR-107 defaults and no Jadugar settings. */
  public JadugarConfiguration() {}

  /** A copy of {@code configuration}, with its Jadugar settings if it has any. */
  public JadugarConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof JadugarConfiguration) {
      settings.putAll(((JadugarConfiguration<K, V>) configuration).settings);
      clock = ((JadugarConfiguration<K, V>) configuration).clock;
    }
  }

  /**
   * The clock every expiry decision of the cache reads (creation, update and access times, whether
   * an entry has expired); the system clock by default. A test can move a clock of its own instead
   * of sleeping. The store's own expiry (Caffeine, Redis {@code PXAT}, memcached's exptime) follows
   * real time from the times this clock gave.
   */
  public JadugarConfiguration<K, V> setClock(java.time.Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** The clock of {@link #setClock}, or the system clock. */
  public java.time.Clock getClock() {
    return clock == null ? java.time.Clock.systemUTC() : clock;
  }

  /** Sets any {@code jadugar.*} key for this cache. */
  public JadugarConfiguration<K, V> setSetting(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (!key.startsWith(Settings.PREFIX)) {
      throw new ConfigurationException("Configuration key '" + key + "' must start with '"
          + Settings.PREFIX + "'");
    }
    settings.put(key, value);
    return this;
  }

  /** The store of this cache, such as {@code memory}. */
  public JadugarConfiguration<K, V> setStore(String store) {
    return setSetting(CoreSettings.STORE.key(), store);
  }

  /** The namespace put before this cache's keys in a shared store. */
  public JadugarConfiguration<K, V> setPrefix(String prefix) {
    return setSetting(CoreSettings.PREFIX.key(), prefix);
  }

  /** Time to live of entries when the expiry policy is left at its default (eternal). */
  public JadugarConfiguration<K, V> setDefaultTtl(Duration ttl) {
    return setSetting(CoreSettings.DEFAULT_TTL.key(), ttl.toMillis() + "ms");
  }

  /** The most entries the memory store keeps; beyond it, it evicts. */
  public JadugarConfiguration<K, V> setMaximumSize(long maximumSize) {
    return setSetting(MAXIMUM_SIZE_KEY, Long.toString(maximumSize));
  }

  /** {@code kryo} (default), {@code java}, {@code json}, {@code msgpack}, or a serializer class name. */
  public JadugarConfiguration<K, V> setSerializer(String serializer) {
    return setSetting("jadugar.serializer", serializer);
  }

  /** Classes and package prefixes (ending in {@code .}) that stored bytes may name, beyond the defaults. */
  public JadugarConfiguration<K, V> allowClasses(String... classesOrPrefixes) {
    return setSetting("jadugar.serializer.allow", String.join(",", classesOrPrefixes));
  }

  /** {@code lz4} (default), {@code gzip}, {@code deflate}, {@code brotli} or {@code none}. */
  public JadugarConfiguration<K, V> setCompression(String compression) {
    return setSetting("jadugar.compression", compression);
  }

  /** Values serialized smaller than this are stored uncompressed (default 1024 bytes). */
  public JadugarConfiguration<K, V> setCompressionThreshold(int bytes) {
    return setSetting("jadugar.compression.threshold", Integer.toString(bytes));
  }

  /** The compressor's level (lz4 0-17, gzip/deflate 1-9, brotli 0-11). */
  public JadugarConfiguration<K, V> setCompressionLevel(int level) {
    return setSetting("jadugar.compression.level", Integer.toString(level));
  }

  /** This cache's own {@code jadugar.*} settings. */
  public Map<String, String> getSettings() {
    return Collections.unmodifiableMap(settings);
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && o instanceof JadugarConfiguration
        && settings.equals(((JadugarConfiguration<?, ?>) o).settings);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + settings.hashCode();
  }
}
