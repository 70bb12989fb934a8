package io.jadugar.jcache.copy;

/** Store-by-reference: the store holds the application's own objects. */
public final class ReferenceCodec implements EntryCodec {

  /** The one instance. */
  public static final ReferenceCodec INSTANCE = new ReferenceCodec();

  private ReferenceCodec() {}

  @Override
  public Object encodeKey(Object key) {
    return key;
  }

  @Override
  public Object decodeKey(Object stored) {
    return stored;
  }

  @Override
  public Object encodeValue(Object value) {
    return value;
  }

  @Override
  public Object decodeValue(Object stored) {
    return stored instanceof WithMetadata ? ((WithMetadata) stored).value() : stored;
  }
}
