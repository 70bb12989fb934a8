package io.jadugar.jcache.spi;

/**
 * One entry as a store holds it: the encoded key, the value in the store's representation, the
 * absolute expiry time and an opaque version for compare-and-set.
 *
 * <p>Instances are immutable. The engine creates them with a {@code null} version; a store that
 * needs a version (a CAS token, a counter, a hash) fills it in when it hands an entry back.
 * The memory store uses the instance itself as the version.
 */
public final class StoreEntry {

  /** Expiry time of an entry that never expires. */
  public static final long ETERNAL = Long.MAX_VALUE;

  private final Object key;
  private final Object value;
  private final long expireAt;
  private final Object version;

  /** An entry without a version, as the engine writes it. */
  public StoreEntry(Object key, Object value, long expireAt) {
    this(key, value, expireAt, null);
  }

  /** An entry with the version the store read it at. */
  public StoreEntry(Object key, Object value, long expireAt, Object version) {
    this.key = key;
    this.value = value;
    this.expireAt = expireAt;
    this.version = version;
  }

  /** The key in the store's representation. */
  public Object key() {
    return key;
  }

  /** The value in the store's representation. */
  public Object value() {
    return value;
  }

  /** Epoch milliseconds at which the entry expires; {@link #ETERNAL} for never. */
  public long expireAt() {
    return expireAt;
  }

  /** The store's version token, or {@code null}. */
  public Object version() {
    return version;
  }

  /** Whether the entry has expired at {@code now} (epoch milliseconds). */
  public boolean isExpiredAt(long now) {
    return expireAt <= now;
  }

  /** The same key and value with another expiry time. */
  public StoreEntry withExpireAt(long newExpireAt) {
    return new StoreEntry(key, value, newExpireAt, version);
  }

  @Override
  public String toString() {
    return "StoreEntry[" + key + ", expireAt=" + expireAt + "]";
  }
}
