package io.jadugar.jcache.copy;

/**
 * Makes independent copies of objects and serialized forms of them. The codecs issue plugs its
 * faster serializers in here; the engine and the stores only see {@link EntryCodec}.
 */
public interface Copier {

  /** The object as bytes. */
  byte[] toBytes(Object value);

  /** An object from bytes made by {@link #toBytes}. */
  Object fromBytes(byte[] bytes);

  /** An independent copy of {@code value}. */
  default Object copy(Object value) {
    return fromBytes(toBytes(value));
  }
}
