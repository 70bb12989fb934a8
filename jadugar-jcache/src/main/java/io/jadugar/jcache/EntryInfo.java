package io.jadugar.jcache;

import java.time.Instant;
import java.util.Map;

/**
 * A present entry with what the store keeps about it, as {@link JadugarCache#getEntry} returns it.
 *
 * @param key the key
 * @param value the value
 * @param expiresAt when the entry expires, or {@code null} if it never does
 * @param writtenAt when the value was written, or {@code null} if it was written without metadata
 *     (through the standard API), which keeps no such time
 * @param metadata the metadata written with it; empty for none
 * @param <K> the key type
 * @param <V> the value type
 */
public record EntryInfo<K, V>(K key, V value, Instant expiresAt, Instant writtenAt, Map<String, String> metadata) {}
