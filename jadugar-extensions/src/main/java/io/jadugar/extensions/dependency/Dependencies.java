package io.jadugar.extensions.dependency;

import io.jadugar.extensions.companion.Companions;
import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.spi.EntryMetadata;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dependencies on a cache: makes {@link CacheDependency}s, writes entries with them, and checks them
 * on every read of the cache in this JVM (a {@link ValidityCheck}, installed by {@link #on}). Every
 * JVM that reads the cache installs it too, and registers the same data sources by name.
 *
 * <pre>{@code
 * Dependencies<String, Config> deps = Dependencies.on(cache).register("shop", dataSource);
 * FileDependency file = deps.file(Path.of("/etc/app/prices.yaml"));  // before reading the file
 * deps.put("prices", load(file.path()), file);
 * deps.put("stock:42", stock, deps.query("shop", "SELECT qty FROM stock WHERE id = ?", 42));
 * cache.get("prices");                           // null once the file changed, in every JVM
 * file.invalidate();                             // or by hand: a miss everywhere
 * }</pre>
 *
 * Checks are rate-limited and shared: a file is stat'ed on each read and hashed at most once per
 * check interval; a query runs at most once per interval for all the entries that depend on it; an
 * invalidation marker is read at most once per interval. So a change is seen within the interval.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class Dependencies<K, V> implements AutoCloseable {

  /** The companion cache, in the same cache manager, that holds the invalidation markers. */
  public static final String MARKER_CACHE = "jadugar-dependencies";

  /** How stale a check may be unless told otherwise. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(Dependencies.class);
  private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(10);

  private final JadugarCache<K, V> cache;
  private final Sources sources;
  private final ValidityCheck check = this::valid;
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY);

  private Dependencies(JadugarCache<K, V> cache, Duration interval) {
    this.cache = cache;
    long nanos = interval.toNanos();
    this.sources = new Sources(cache.getName(), nanos, new Markers(markerCache(cache.getCacheManager()), nanos));
  }

  /** Dependencies on {@code cache}, checked at most once per {@link #DEFAULT_CHECK_INTERVAL}. */
  public static <K, V> Dependencies<K, V> on(Cache<K, V> cache) {
    return on(cache, DEFAULT_CHECK_INTERVAL);
  }

  /**
   * Dependencies on {@code cache}, each source checked at most once per {@code checkInterval}
   * (shared by all its entries). Installs the check on the cache in this JVM; call it once per cache
   * and JVM, and {@link #close} to remove the check.
   */
  @SuppressWarnings("unchecked")
  public static <K, V> Dependencies<K, V> on(Cache<K, V> cache, Duration checkInterval) {
    Objects.requireNonNull(checkInterval, "checkInterval");
    if (checkInterval.isNegative()) {
      throw new IllegalArgumentException("The check interval must not be negative, not " + checkInterval);
    }
    Dependencies<K, V> d = new Dependencies<>(cache.unwrap(JadugarCache.class), checkInterval);
    d.cache.addValidityCheck(d.check);
    return d;
  }

  /**
   * Registers {@code dataSource} under {@code name}, the name {@link #query} takes and entries carry:
   * every JVM that reads them registers a data source of the same database under it.
   */
  public Dependencies<K, V> register(String name, DataSource dataSource) {
    sources.register(Objects.requireNonNull(name, "name"), Objects.requireNonNull(dataSource, "dataSource"));
    return this;
  }

  /** A dependency on the file at {@code path} as it is now (absolute and normalised). */
  public FileDependency file(Path path) {
    Path p = path.toAbsolutePath().normalize();
    String token = sources.markers().forWrite(FileDependency.markerKey(p));
    return new FileDependency(sources, token, p, sources.file(p).current());
  }

  /**
   * A dependency on the result of {@code query} with {@code params} on the data source registered as
   * {@code dataSource}, as it is now (or at most a check interval ago: a staler fingerprint only makes
   * the entry a miss sooner).
   */
  public DatabaseDependency query(String dataSource, String query, Object... params) {
    List<Object> p = new ArrayList<>(Arrays.asList(params));
    p.forEach(DatabaseDependency::encodeParam); // refuses a type a reading JVM could not rebuild, now
    String key = DatabaseDependency.markerKey(dataSource, query, p);
    String token = sources.markers().forWrite(key);
    return new DatabaseDependency(sources, token, dataSource, query, p,
        sources.query(key, dataSource, query, p).fingerprint());
  }

  /** A dependency on all of {@code parts}: {@link CompositeDependency#of}. */
  public CompositeDependency allOf(CacheDependency... parts) {
    return CompositeDependency.of(parts);
  }

  /** Entry options that carry {@code dependency}; add a TTL or other metadata with their {@code with} methods. */
  public static EntryOptions options(CacheDependency dependency) {
    return EntryOptions.NONE.withMetadata(dependency.toMetadata());
  }

  /** Puts {@code value} under {@code key}, valid while {@code dependency} is. */
  public void put(K key, V value, CacheDependency dependency) {
    cache.put(key, value, options(dependency));
  }

  /** Puts {@code value} under {@code key} with {@code options}, valid while {@code dependency} is. */
  public void put(K key, V value, CacheDependency dependency, EntryOptions options) {
    cache.put(key, value, options.withMetadata(dependency.toMetadata()));
  }

  /** The dependency the entry of {@code key} was written with, or {@code null} if absent or written without one. */
  public CacheDependency dependencyOf(K key) {
    EntryInfo<K, V> e = cache.getEntry(key);
    return e == null ? null : dependencyOf(e.metadata());
  }

  private CacheDependency dependencyOf(Map<String, String> metadata) {
    List<CacheDependency> parts = new ArrayList<>();
    metadata.forEach((name, value) -> {
      if (name.startsWith(MetadataFormat.PREFIX)) {
        parts.add(sources.decode(value));
      }
    });
    return parts.isEmpty() ? null : parts.size() == 1 ? parts.get(0) : CompositeDependency.of(parts);
  }

  private boolean valid(EntryMetadata metadata) {
    try {
      for (Map.Entry<String, String> m : metadata.values().entrySet()) {
        if (m.getKey().startsWith(MetadataFormat.PREFIX) && !sources.decode(m.getValue()).isValid()) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      // a source that cannot be checked (database down, no data source) must not let a stale entry through;
      // logged at most every 10 s, as every read of such an entry lands here
      long last = lastWarning.get();
      if (System.nanoTime() - last >= WARN_EVERY && lastWarning.compareAndSet(last, System.nanoTime())) {
        LOG.warn("Cache {}: a dependency could not be checked, its entries are misses: {}", cache.getName(),
            e.getMessage(), e);
      }
      return false;
    }
  }

  @Override
  public void close() {
    cache.removeValidityCheck(check);
  }

  private static Cache<String, String> markerCache(CacheManager manager) {
    return Companions.openOrCreate(manager, MARKER_CACHE,
        new MutableConfiguration<String, String>().setTypes(String.class, String.class), String.class, String.class);
  }
}
