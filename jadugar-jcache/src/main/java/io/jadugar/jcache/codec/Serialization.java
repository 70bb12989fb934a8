package io.jadugar.jcache.codec;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The serializer a cache writes with, Java serialization as its per-value fallback, and every
 * serializer it may have to read with: a value is always read by the serializer that wrote it,
 * so changing a cache's serializer leaves old entries readable.
 */
public final class Serialization {

  private final Serializer writer;
  private final Function<Byte, Serializer> readers;
  private final Map<Byte, Serializer> readerCache = new ConcurrentHashMap<>();
  /** Classes the writer failed on once: they go straight to the fallback. */
  private final Set<Class<?>> fallbackClasses = ConcurrentHashMap.newKeySet();

  /** Writes with {@code writer}; finds a reader by id through {@code readers} (null if none). */
  public Serialization(Serializer writer, Function<Byte, Serializer> readers) {
    this.writer = writer;
    this.readers = readers;
  }

  /** The serializer values are written with. */
  public Serializer writer() {
    return writer;
  }

  /** A value's serialized bytes and the id of the serializer that wrote them. */
  public record Encoded(byte serializerId, byte[] bytes) {}

  /**
   * Serializes {@code value} with the writer; if the writer cannot handle its class (Kryo and a
   * JDK wrapper it cannot reach into, say), with Java serialization instead.
   */
  public Encoded serialize(Object value) {
    if (writer.id() != JavaSerializer.ID && !fallbackClasses.contains(value.getClass())) {
      try {
        return new Encoded(writer.id(), writer.serialize(value));
      } catch (RuntimeException e) {
        // a refusal, even one Kryo wrapped while writing a field, is not a reason to fall back
        RuntimeException refusal = refusalIn(e);
        if (refusal instanceof ClassNotAllowedException) {
          throw refusal;
        }
        if (refusal != null) {
          throw unreadable(value, refusal.getMessage(), e);
        }
        if (!(value instanceof java.io.Serializable)) {
          throw new IllegalArgumentException("Cannot serialize a " + value.getClass().getName()
              + " with " + writer.name() + " (" + e.getMessage() + "), and it is not Serializable either", e);
        }
        fallbackClasses.add(value.getClass());
      }
    }
    Serializer java = reader(JavaSerializer.ID);
    return new Encoded(java.id(), java.serialize(value));
  }

  /**
   * The allow-list's or the read limits' refusal somewhere in {@code e}'s causes, or {@code null}:
   * serializers wrap what their hooks throw, and a refusal must stay one.
   */
  static RuntimeException refusalIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ClassNotAllowedException || t instanceof ReadLimitException) {
        return (RuntimeException) t;
      }
    }
    return null;
  }

  /** The error of a value that could be written but that a read would refuse as beyond its limits. */
  static IllegalArgumentException unreadable(Object value, String why, Throwable cause) {
    return new IllegalArgumentException("Cannot store a " + value.getClass().getName()
        + ": a read would refuse it, as its " + why.replaceFirst("^stored value ", "value ")
        + "; raise that key if the value is honest", cause);
  }

  /** Deserializes bytes written by the serializer with {@code id}. */
  public Object deserialize(byte id, byte[] bytes, int offset, int length) {
    return reader(id).deserialize(bytes, offset, length);
  }

  private Serializer reader(byte id) {
    if (id == writer.id()) {
      return writer;
    }
    Serializer s = readerCache.computeIfAbsent(id, readers::apply);
    if (s == null) {
      throw new CorruptEntryException("no serializer with id " + id);
    }
    return s;
  }
}
