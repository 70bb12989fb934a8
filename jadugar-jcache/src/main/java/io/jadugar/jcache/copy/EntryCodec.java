package io.jadugar.jcache.copy;

/**
 * Turns the application's keys and values into a store's representation and back.
 *
 * <p>Store-by-reference in an object store is the identity; store-by-value copies (or encodes) on
 * the way in and decodes a fresh copy on the way out, so the application never shares a mutable
 * object with the cache.
 */
public interface EntryCodec {

  /** The key as the store holds it. Equal keys must give equal results. */
  Object encodeKey(Object key);

  /** The application's key from the store's form. */
  Object decodeKey(Object stored);

  /** The value as the store holds it. */
  Object encodeValue(Object value);

  /** The application's value from the store's form. */
  Object decodeValue(Object stored);

  /**
   * The value with its entry metadata ({@code null} for none) as the store holds it: an object
   * store boxes the two together, a bytes store writes the metadata into the frame.
   */
  default Object encodeValue(Object value, io.jadugar.jcache.spi.EntryMetadata metadata) {
    Object stored = encodeValue(value);
    return metadata == null ? stored : new WithMetadata(stored, metadata);
  }

  /** The entry metadata a stored value carries, or {@code null}; the value itself is not decoded. */
  default io.jadugar.jcache.spi.EntryMetadata metadataOf(Object stored) {
    return stored instanceof WithMetadata ? ((WithMetadata) stored).metadata() : null;
  }

  /**
   * Whether stored values can fail to decode (bytes written by another process, or damaged): then
   * the engine checks every entry it is about to use, and a {@code CorruptEntryException} makes
   * the entry a miss.
   */
  default boolean mayBeCorrupt() {
    return false;
  }

  /**
   * The bytes that every {@code String} key's encoding is, followed by its UTF-8, if this codec
   * encodes {@code String} keys so (into a {@link io.jadugar.jcache.spi.BinaryKey}); else {@code
   * null}, the default.
   */
  default byte[] stringKeyPrefix() {
    return null;
  }
}
