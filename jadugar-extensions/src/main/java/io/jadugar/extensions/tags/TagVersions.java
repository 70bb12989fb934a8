package io.jadugar.extensions.tags;

import io.jadugar.jcache.ValidityCheck;
import io.jadugar.jcache.spi.EntryMetadata;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.Cache;

/**
 * The tag records of one cache and the validity check that compares an entry's recorded versions
 * with them. A record maps a tag's metadata name ({@link #NAME_PREFIX} + tag) to a random 64-bit
 * version; the same name, with the version in hex, is what an entry's metadata carries.
 */
final class TagVersions implements ValidityCheck {

  /** Metadata names that are tags start with this; the rest of the name is the tag. */
  static final String NAME_PREFIX = "jadugar.tag:";

  /** Mixed into every version so that two JVMs whose random generators start alike still differ. */
  private static final long JVM_NONCE = new SecureRandom().nextLong();

  private final Cache<String, Long> records;

  /** The tag records kept in {@code records}. */
  TagVersions(Cache<String, Long> records) {
    this.records = records;
  }

  /** The metadata name of {@code tag}. */
  static String name(String tag) {
    if (tag == null || tag.isEmpty()) {
      throw new IllegalArgumentException("A tag must be a non-empty string, not " + (tag == null ? "null" : "''"));
    }
    return NAME_PREFIX + tag;
  }

  /** The tag of metadata name {@code name}, or {@code null} if the name is not a tag's. */
  static String tagOf(String name) {
    return name.startsWith(NAME_PREFIX) ? name.substring(NAME_PREFIX.length()) : null;
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
    Map<String, Long> found = new HashMap<>(records.getAll(new LinkedHashSet<>(names)));
    for (String name : names) {
      Long v = found.get(name);
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

  @Override
  public boolean isValid(EntryMetadata metadata) {
    String single = null;
    List<String> more = null;
    for (Map.Entry<String, String> e : metadata.values().entrySet()) {
      if (!e.getKey().startsWith(NAME_PREFIX)) {
        continue;
      }
      if (single == null) {
        single = e.getKey();
      } else {
        if (more == null) {
          more = new ArrayList<>();
          more.add(single);
        }
        more.add(e.getKey());
      }
    }
    if (single == null) {
      return true;
    }
    if (more == null) {
      // the common case: one lookup, nothing allocated for it on the memory store
      return matches(metadata.values().get(single), records.get(single));
    }
    // several tags: one batched read of all their records (one round trip per server)
    Map<String, Long> current = records.getAll(Set.copyOf(more));
    for (String name : more) {
      if (!matches(metadata.values().get(name), current.get(name))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the version an entry recorded is the current one; a missing record never matches. */
  private static boolean matches(String recorded, Long current) {
    return current != null && Long.parseUnsignedLong(recorded, 16) == current;
  }
}
