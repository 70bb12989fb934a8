package io.jadugar.extensions.tags;

import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.spi.EntryMetadata;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.Cache;

/**
 * The tag records of one cache and the validity check that compares an entry's recorded versions
 * with them. A record maps a tag's metadata name ({@link #NAME_PREFIX} + tag) to a random 64-bit
 * version; an entry's metadata carries the same name with the version in hex, and {@link #LIST}
 * naming its tags.
 */
final class TagVersions implements ValidityCheck {

  /** Metadata names that are tags start with this; the rest of the name is the tag. */
  static final String NAME_PREFIX = "jadugar.tag:";
  /**
   * The metadata name whose value lists the entry's tag names, one per line: a read finds an
   * entry's tags by one lookup, without iterating (and allocating over) the metadata.
   */
  static final String LIST = "jadugar.tags";

  /** Mixed into every version so that two JVMs whose random generators start alike still differ. */
  private static final long JVM_NONCE = new SecureRandom().nextLong();

  private final Cache<String, Long> records;

  /** The tag records kept in {@code records}. */
  TagVersions(Cache<String, Long> records) {
    this.records = records;
  }

  /** The metadata name of {@code tag}. */
  static String name(String tag) {
    if (tag == null || tag.isEmpty() || tag.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("A tag must be a non-empty string without line breaks, not "
          + (tag == null ? "null" : "'" + tag + "'"));
    }
    return NAME_PREFIX + tag;
  }

  /** The tag of metadata name {@code name}. */
  static String tagOf(String name) {
    return name.substring(NAME_PREFIX.length());
  }

  /** The tag names (metadata names) that {@code metadata} lists; empty for none. */
  static Set<String> namesIn(Map<String, String> metadata) {
    String list = metadata.get(LIST);
    return list == null ? Set.of() : new LinkedHashSet<>(Arrays.asList(list.split("\n")));
  }

  /**
   * {@code metadata} with the tags of {@code add} (name to version) and without those of {@code
   * remove}. A tag it already has keeps the version it was written with when {@code keep}: what
   * {@code tag(key, ...)} does to a stored entry; a new write records the versions given.
   */
  static Map<String, String> withTags(Map<String, String> metadata, Map<String, Long> add,
      Collection<String> remove, boolean keep) {
    Map<String, String> m = new LinkedHashMap<>(metadata);
    Set<String> names = new LinkedHashSet<>(namesIn(metadata));
    add.forEach((name, version) -> {
      if (names.add(name) || !keep) {
        m.put(name, format(version));
      }
    });
    for (String name : remove) {
      names.remove(name);
      m.remove(name);
    }
    if (names.isEmpty()) {
      m.remove(LIST);
    } else {
      m.put(LIST, String.join("\n", names));
    }
    return m;
  }

  /** A fresh version: random, so a record that was lost and created again never repeats an old one. */
  static long fresh() {
    return ThreadLocalRandom.current().nextLong() ^ JVM_NONCE;
  }

  /** The version as an entry's metadata carries it. */
  static String format(long version) {
    return Long.toHexString(version);
  }

  /**
   * The current version of each of {@code tags} (metadata names), creating the record of a tag
   * that has none. Read before the entry is written, so an invalidation that lands in between
   * leaves the entry with an old version: invalid, never valid forever.
   */
  Map<String, Long> current(Collection<String> names) {
    Map<String, Long> stored = records.getAll(new LinkedHashSet<>(names));
    Map<String, Long> found = new LinkedHashMap<>();
    for (String name : names) {
      Long v = stored.get(name);
      while (v == null) {
        long candidate = fresh();
        // another writer may create it first, and it may be evicted again at once: read what holds
        v = records.putIfAbsent(name, candidate) ? Long.valueOf(candidate) : records.get(name);
      }
      found.put(name, v);
    }
    return found;
  }

  /** Moves the version of every tag of {@code names}: each entry written with one is invalid from now on. */
  void invalidate(Collection<String> names) {
    Map<String, Long> moved = new HashMap<>();
    for (String name : names) {
      moved.put(name, fresh());
    }
    records.putAll(moved);
  }

  /** The records of an entry's tags, read with the entry where the store can (one script on Redis). */
  @Override
  public Lookup lookup() {
    return new Lookup(LIST, records);
  }

  /** {@link #isValid(EntryMetadata)} with the records read along with the entry, where they were. */
  @Override
  public boolean isValid(EntryMetadata metadata, Map<String, Object> along) {
    Map<String, String> values = metadata.values();
    String list = values.get(LIST);
    if (list == null) {
      return true;
    }
    if (list.indexOf('\n') < 0) {
      return along.containsKey(list) ? matches(values.get(list), (Long) along.get(list)) : isValid(metadata);
    }
    String[] names = list.split("\n");
    for (String name : names) {
      if (!along.containsKey(name)) {
        return isValid(metadata); // not read along: read them here
      }
    }
    for (String name : names) {
      if (!matches(values.get(name), (Long) along.get(name))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isValid(EntryMetadata metadata) {
    Map<String, String> values = metadata.values();
    String list = values.get(LIST);
    if (list == null) {
      return true;
    }
    if (list.indexOf('\n') < 0) {
      // the common case, one tag: two map lookups and one record read, nothing allocated on memory
      return matches(values.get(list), records.get(list));
    }
    // several tags: one batched read of their records (one round trip per server they are on)
    String[] names = list.split("\n");
    Map<String, Long> current = records.getAll(Set.of(names));
    for (String name : names) {
      if (!matches(values.get(name), current.get(name))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the version an entry recorded is the current one; a missing record never matches. */
  private static boolean matches(String recorded, Long current) {
    return current != null && recorded != null && Long.parseUnsignedLong(recorded, 16) == current;
  }
}
