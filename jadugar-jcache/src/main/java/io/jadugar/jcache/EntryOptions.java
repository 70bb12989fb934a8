package io.jadugar.jcache;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one write through {@link JadugarCache} stores its entry: its own time to live, overriding the
 * cache's expiry policy for that write, and named metadata that rides inside the entry on every
 * store. Immutable; each {@code with} returns a new instance.
 */
public final class EntryOptions {

  /** No options: the write behaves exactly as the standard one. */
  public static final EntryOptions NONE = new EntryOptions(null, Map.of());

  private final Duration ttl;
  private final Map<String, String> metadata;

  private EntryOptions(Duration ttl, Map<String, String> metadata) {
    this.ttl = ttl;
    this.metadata = metadata;
  }

  /** Options with a time to live of {@code ttl} for the entry. */
  public static EntryOptions ttl(Duration ttl) {
    return NONE.withTtl(ttl);
  }

  /** These options with a time to live of {@code ttl}, which must be positive. */
  public EntryOptions withTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("An entry's time to live must be positive, not " + ttl);
    }
    return new EntryOptions(ttl, metadata);
  }

  /** These options with the metadata value {@code value} named {@code name}. */
  public EntryOptions withMetadata(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, String> m = new LinkedHashMap<>(metadata);
    m.put(name, value);
    return new EntryOptions(ttl, Collections.unmodifiableMap(m));
  }

  /** These options with every entry of {@code values} added to the metadata. */
  public EntryOptions withMetadata(Map<String, String> values) {
    EntryOptions o = this;
    for (Map.Entry<String, String> e : values.entrySet()) {
      o = o.withMetadata(e.getKey(), e.getValue());
    }
    return o;
  }

  /** The entry's own time to live, or {@code null} for the cache's expiry policy. */
  public Duration ttl() {
    return ttl;
  }

  /** The metadata the entry carries; empty for none. */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return "EntryOptions[ttl=" + ttl + ", metadata=" + metadata + "]";
  }
}
