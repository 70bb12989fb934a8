package io.jadugar.jcache;

import io.jadugar.jcache.spi.EntryMetadata;
import java.util.Map;
import javax.cache.Cache;

/**
 * Decides whether a stored entry that carries metadata is still valid, on every read of every
 * operation (standard and vendor). An entry it declares invalid is treated exactly like an expired
 * one: a miss, dropped from the store, reported to {@code EXPIRED} listeners. Entries without
 * metadata are never asked about. It runs on the reading thread: keep it fast and let it not throw.
 *
 * <p>A check that reads entries of another cache to decide may declare them with {@link #lookup}:
 * a store that can read them together with the entry (single Redis, in one script) then does for
 * {@code get} and {@code containsKey}, a {@code getAll} reads those of all its entries in one batch
 * read of that cache (an iteration, those of each chunk of entries it takes), and the check gets
 * them in {@link #isValid(EntryMetadata, Map)}. Elsewhere it is asked as before.
 */
@FunctionalInterface
public interface ValidityCheck {

  /** Whether the entry that carries {@code metadata} is still valid. */
  boolean isValid(EntryMetadata metadata);

  /**
   * What to read along with an entry: the keys of {@code cache} that the entry's metadata value
   * named {@code listName} lists, one per line. {@code cache} is a cache of the same cache manager.
   *
   * @param listName the name of the metadata value listing the keys
   * @param cache the cache whose entries they are, with {@code String} keys
   */
  record Lookup(String listName, Cache<String, ?> cache) {}

  /** What this check reads along with an entry, or {@code null} (the default) for nothing. */
  default Lookup lookup() {
    return null;
  }

  /**
   * Whether the entry that carries {@code metadata} is still valid, given the entries of the
   * {@link #lookup} read along with it: each listed key to its value as a read of that cache would
   * find it, {@code null} when absent (or expired). A listed key that is not in {@code along} was not
   * read: decide as {@link #isValid(EntryMetadata)} does. By default that is all it does.
   */
  default boolean isValid(EntryMetadata metadata, Map<String, Object> along) {
    return isValid(metadata);
  }
}
