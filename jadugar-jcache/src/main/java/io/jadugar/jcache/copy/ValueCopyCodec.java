package io.jadugar.jcache.copy;

import io.jadugar.jcache.codec.Serialization;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;

/**
 * Store-by-value for an object store: values are kept serialized in one array (one serialization on a write,
 * one deserialization on a read, cheaper than a deep copy on both) and keys as private copies (a
 * store's map needs their {@code equals}). Instances of immutable JDK types are neither copied nor
 * serialized: sharing them is safe. The bytes never leave the JVM, so no allow-list applies.
 */
public final class ValueCopyCodec implements EntryCodec {

  private static final Set<Class<?>> IMMUTABLE = Set.of(
      String.class, Integer.class, Long.class, Short.class, Byte.class, Character.class,
      Boolean.class, Float.class, Double.class, BigInteger.class, BigDecimal.class, UUID.class,
      Class.class, java.time.Instant.class, java.time.LocalDate.class, java.time.LocalTime.class,
      java.time.LocalDateTime.class, java.time.OffsetDateTime.class, java.time.ZonedDateTime.class,
      java.time.Duration.class, java.time.Period.class, java.time.ZoneOffset.class,
      java.time.Year.class, java.time.YearMonth.class, java.time.MonthDay.class);

  private final Serialization serialization;

  /** A codec that copies through {@code serialization}. */
  public ValueCopyCodec(Serialization serialization) {
    this.serialization = serialization;
  }

  static boolean isImmutable(Object o) {
    return IMMUTABLE.contains(o.getClass()) || o instanceof Enum;
  }

  private Object copy(Object o) {
    Serialization.Encoded e = serialization.serialize(o);
    return serialization.deserialize(e.serializerId(), e.bytes(), 0, e.bytes().length);
  }

  @Override
  public Object encodeKey(Object key) {
    return isImmutable(key) ? key : copy(key);
  }

  @Override
  public Object decodeKey(Object stored) {
    return isImmutable(stored) ? stored : copy(stored);
  }

  @Override
  public Object encodeValue(Object value) {
    if (isImmutable(value)) {
      return value;
    }
    // one array: the serializer's id, then its bytes (an immutable value is never a byte[], so a
    // byte[] here is always this form)
    Serialization.Encoded e = serialization.serialize(value);
    byte[] stored = new byte[1 + e.bytes().length];
    stored[0] = e.serializerId();
    System.arraycopy(e.bytes(), 0, stored, 1, e.bytes().length);
    return stored;
  }

  @Override
  public Object decodeValue(Object stored) {
    if (stored instanceof WithMetadata) {
      stored = ((WithMetadata) stored).value();
    }
    if (stored instanceof byte[]) {
      byte[] b = (byte[]) stored;
      return serialization.deserialize(b[0], b, 1, b.length - 1);
    }
    return stored;
  }
}
