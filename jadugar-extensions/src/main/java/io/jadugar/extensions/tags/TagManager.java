package io.jadugar.extensions.tags;

import io.jadugar.extensions.companion.Companions;
import io.jadugar.jcache.EntryInfo;
import io.jadugar.jcache.EntryOptions;
import io.jadugar.jcache.JadugarCache;
import io.jadugar.jcache.configuration.JadugarConfiguration;
import java.time.Duration;
import java.time.Clock;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tags of one cache: write entries with tags, invalidate every entry of a tag at once, list the
 * keys of a tag and the tags of a key. Invalidating moves the tag's version (one write, whatever
 * the number of entries); every read of the cache, through any standard or vendor operation, then
 * finds the entries written before it invalid: a miss, exactly like an expired entry.
 *
 * <p>Tag records live in a companion cache of the same cache manager, named after the cache with
 * {@link #RECORDS_SUFFIX}, and the key index in one with {@link #INDEX_SUFFIX}: the same store and
 * settings. Every JVM that reads the cache must open its {@code TagManager} ({@link #of}) before
 * reading: the validity check runs in the reading JVM.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TagManager<K, V> {

  /** The suffix of the companion cache holding the tag records (tag name to version). */
  public static final String RECORDS_SUFFIX = ".tags";
  /** The suffix of the companion cache holding the key index ((tag, key) to a write token). */
  public static final String INDEX_SUFFIX = ".tag-index";

  private static final Logger LOG = LoggerFactory.getLogger(TagManager.class);
  /** How often tag() and untag() retry a key whose value keeps changing under them. */
  private static final int RETRIES = 32;
  /**
   * The tag records and index of each cache, so its validity check is added once per JVM. Weak keys,
   * and values that do not hold the cache: a closed cache's entry can go.
   */
  private static final Map<Cache<?, ?>, Parts<?>> PARTS = new WeakHashMap<>();

  /** What a cache's tags are kept in, and the clock its expiry times come from. */
  private record Parts<K>(TagVersions versions, TagIndex<K> index, Clock clock) {}

  private final JadugarCache<K, V> cache;
  private final TagVersions versions;
  private final TagIndex<K> index;
  /** The cache's clock: the one its entries' expiry times come from. */
  private final Clock clock;

  private TagManager(JadugarCache<K, V> cache, Parts<K> parts) {
    this.cache = cache;
    this.versions = parts.versions();
    this.index = parts.index();
    this.clock = parts.clock();
  }

  /**
   * The tags of {@code cache}. The first call in a JVM opens (or creates) the companion caches and
   * adds the validity check to {@code cache}; later calls share them.
   */
  @SuppressWarnings("unchecked")
  public static <K, V> TagManager<K, V> of(Cache<K, V> cache) {
    JadugarCache<K, V> vendor = cache.unwrap(JadugarCache.class);
    synchronized (PARTS) {
      Parts<K> parts = (Parts<K>) PARTS.get(vendor);
      if (parts == null) {
        CompleteConfiguration<K, V> config = vendor.getConfiguration(CompleteConfiguration.class);
        Cache<String, Long> records = Companions.of(vendor, RECORDS_SUFFIX, String.class, Long.class);
        Cache<Object, Long> idx = Companions.of(vendor, INDEX_SUFFIX, Object.class, Long.class);
        parts = new Parts<>(new TagVersions(records),
            new TagIndex<>(idx.unwrap(JadugarCache.class), config.getExpiryPolicyFactory().create()),
            config instanceof JadugarConfiguration<K, V> j ? j.getClock() : Clock.systemUTC());
        vendor.addValidityCheck(parts.versions());
        PARTS.put(vendor, parts);
        LOG.debug("Cache {}: tags kept in {} and {}", vendor.getName(), records.getName(), idx.getName());
      }
      return new TagManager<>(vendor, parts);
    }
  }

  /** The cache these tags are for. */
  public JadugarCache<K, V> cache() {
    return cache;
  }

  /**
   * A view of the cache whose every write carries {@code tags}: {@code put}, {@code putAll}, {@code
   * putIfAbsent}, {@code getAndPut}, {@code replace} and {@code getAndReplace}. It is the same cache
   * (reads, removes, listeners, closing); {@code invoke} writes as the standard one does, untagged.
   */
  public Cache<K, V> tags(String... tags) {
    return new TaggedCache<>(this, names(Arrays.asList(tags)));
  }

  /**
   * Entry options that carry {@code tags} for a write through {@link JadugarCache}: the tags'
   * current versions, read now. Use them for one write, right away: a write with versions read
   * before an invalidation is invalid (as it must be). Keys written with them are not in the key
   * index (write through {@link #tags} or call {@link #tag} for {@link #keysByTag}).
   */
  public EntryOptions options(EntryOptions base, String... tags) {
    return withVersions(base, names(Arrays.asList(tags)));
  }

  /** {@link #options(EntryOptions, String...)} with no other option. */
  public EntryOptions options(String... tags) {
    return options(EntryOptions.NONE, tags);
  }

  /** {@code base} plus the current version of each tag of {@code names} (metadata names). */
  EntryOptions withVersions(EntryOptions base, Set<String> names) {
    return base.withMetadata(TagVersions.withTags(base.metadata(), versions.current(names), Set.of(), false));
  }

  /** Records in the key index that {@code keys} were written with {@code names}. */
  void indexed(Collection<? extends K> keys, Set<String> names, EntryOptions options) {
    index.add(keys, names, options);
  }

  /**
   * Adds {@code tags} to the present entry of {@code key}, keeping its value, its other metadata
   * (the versions its tags had when it was written) and its expiry time. Returns false if the key
   * has no present entry.
   */
  public boolean tag(K key, String... tags) {
    Set<String> names = names(Arrays.asList(tags));
    return retag(key, names, true);
  }

  /** Removes {@code tags} from the present entry of {@code key}; false if the key has none. */
  public boolean untag(K key, String... tags) {
    return retag(key, names(Arrays.asList(tags)), false);
  }

  /** Rewrites the entry of {@code key} with {@code names} added or removed, if nobody changed it meanwhile. */
  private boolean retag(K key, Set<String> names, boolean add) {
    for (int attempt = 0; attempt < RETRIES; attempt++) {
      Map<String, Long> fresh = add ? versions.current(names) : Map.of();
      EntryInfo<K, V> info = cache.getEntry(key);
      if (info == null) {
        return false;
      }
      // a tag the entry already has keeps the version it was written with
      EntryOptions options = EntryOptions.NONE.withMetadata(
          TagVersions.withTags(info.metadata(), fresh, add ? Set.of() : names, true));
      if (info.expiresAt() != null) {
        Duration left = Duration.between(clock.instant(), info.expiresAt());
        if (left.isNegative() || left.isZero()) {
          return false;
        }
        options = options.withTtl(left);
      }
      // replace only if the value is still the one read: a concurrent write is never overwritten
      if (cache.replace(key, info.value(), info.value(), options)) {
        if (add) {
          index.add(List.of(key), names, options);
        }
        return true;
      }
    }
    throw new CacheException("Cache " + cache.getName() + ": the entry of " + key + " changed under "
        + (add ? "tag" : "untag") + " " + RETRIES + " times in a row");
  }

  /**
   * The live keys that carry {@code tag}: every key written with it through a {@link #tags} view or
   * {@link #tag}, whose entry is present, valid and still carries it. Reads the tag's index (an
   * iteration of the index cache) and each candidate entry; drops the index entries that no longer hold.
   */
  public Set<K> keysByTag(String tag) {
    return index.keys(TagVersions.name(tag), cache);
  }

  /** The tags of the present entry of {@code key}; empty if it has none or is not present. */
  public Set<String> tagsByKey(K key) {
    EntryInfo<K, V> info = cache.getEntry(key);
    if (info == null) {
      return Set.of();
    }
    Set<String> tags = new LinkedHashSet<>();
    for (String name : TagVersions.namesIn(info.metadata())) {
      tags.add(TagVersions.tagOf(name));
    }
    return Collections.unmodifiableSet(tags);
  }

  /**
   * Makes every entry written with {@code tag} before this call invalid, in every JVM, once it
   * returns: one write of the tag's record, whatever the number of entries.
   */
  public void invalidateTag(String tag) {
    invalidateTags(List.of(tag));
  }

  /** {@link #invalidateTag} for each of {@code tags}, in one batched write. */
  public void invalidateTags(Collection<String> tags) {
    versions.invalidate(names(tags));
  }

  /** The metadata names of {@code tags}, checked and without repeats. */
  private static Set<String> names(Collection<String> tags) {
    Set<String> names = new LinkedHashSet<>();
    for (String tag : tags) {
      names.add(TagVersions.name(tag));
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("No tags given");
    }
    return names;
  }
}
