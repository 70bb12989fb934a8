package io.jadugar.jcache.copy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.UUID;

/**
 * Store-by-value for an object store: values are kept serialized and decoded into a fresh copy on
 * each read; keys are kept as private copies (a store's map needs their {@code equals}). Instances
 * of immutable JDK types are neither copied nor serialized: sharing them is safe.
 */
public final class ValueCopyCodec implements EntryCodec {

  private static final Set<Class<?>> IMMUTABLE = Set.of(
      String.class, Integer.class, Long.class, Short.class, Byte.class, Character.class,
      Boolean.class, Float.class, Double.class, BigInteger.class, BigDecimal.class, UUID.class,
      Class.class, java.time.Instant.class, java.time.LocalDate.class, java.time.LocalTime.class,
      java.time.LocalDateTime.class, java.time.OffsetDateTime.class, java.time.ZonedDateTime.class,
      java.time.Duration.class, java.time.Period.class, java.time.ZoneOffset.class,
      java.time.Year.class, java.time.YearMonth.class, java.time.MonthDay.class);

  private final Copier copier;

  /** A codec that copies through {@code copier}. */
  public ValueCopyCodec(Copier copier) {
    this.copier = copier;
  }

  static boolean isImmutable(Object o) {
    return IMMUTABLE.contains(o.getClass()) || o instanceof Enum;
  }

  @Override
  public Object encodeKey(Object key) {
    return isImmutable(key) ? key : copier.copy(key);
  }

  @Override
  public Object decodeKey(Object stored) {
    return isImmutable(stored) ? stored : copier.copy(stored);
  }

  @Override
  public Object encodeValue(Object value) {
    return isImmutable(value) ? value : new Serialized(copier.toBytes(value));
  }

  @Override
  public Object decodeValue(Object stored) {
    return stored instanceof Serialized ? copier.fromBytes(((Serialized) stored).bytes) : stored;
  }

  /** A value held in serialized form; a wrapper, so a user's own byte[] is never mistaken for it. */
  private static final class Serialized {
    final byte[] bytes;

    Serialized(byte[] bytes) {
      this.bytes = bytes;
    }
  }
}
