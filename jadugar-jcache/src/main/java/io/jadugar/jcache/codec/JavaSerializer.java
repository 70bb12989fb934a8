package io.jadugar.jcache.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/**
 * Java serialization, read through a {@link GuardedObjectInputStream}: the allow-list is asked about
 * every class in the stream before it is loaded, and the read stays within its {@link ReadLimits}.
 */
public final class JavaSerializer implements Serializer {

  /** Frame id of Java serialization. */
  public static final byte ID = 2;

  private final ClassLoader classLoader;
  private final ClassAllowList allowList;
  private final ReadLimits limits;

  /** A serializer over {@code classLoader}; {@code allowList} {@code null} allows all, and then reads are not limited. */
  public JavaSerializer(ClassLoader classLoader, ClassAllowList allowList) {
    this(classLoader, allowList, allowList == null ? null : ReadLimits.DEFAULTS);
  }

  /** A serializer as above whose reads stay within {@code limits}, {@code null} for none (in-process only). */
  public JavaSerializer(ClassLoader classLoader, ClassAllowList allowList, ReadLimits limits) {
    this.classLoader = classLoader;
    this.allowList = allowList;
    this.limits = limits;
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  public byte[] serialize(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes) {
      @Override
      protected void annotateClass(Class<?> c) {
        // every class the stream names, once each: one no read would take is refused here already
        if (allowList != null) {
          allowList.check(c.getName());
        }
      }
    }) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot serialize a " + value.getClass().getName()
          + " with Java serialization: " + e, e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object deserialize(byte[] bytes, int offset, int length) {
    return read(bytes, offset, length, 0).value();
  }

  /** A value read, and the unfolded size of its graph (see {@link HashBudget}). */
  record Read(Object value, long size) {}

  /** Reads a value nested in a reader already {@code depthUsed} objects deep. */
  Read read(byte[] bytes, int offset, int length, int depthUsed) {
    if (limits != null && length > limits.maxBytes()) {
      throw limits.tooBig(length);
    }
    GuardedObjectInputStream in = null;
    try {
      in = new GuardedObjectInputStream(bytes, offset, length, classLoader, allowList, limits, depthUsed);
      Object value = in.readObject();
      return new Read(value, in.lastSize());
    } catch (InvalidClassException e) {
      if (in != null && in.refused() != null) {
        throw new ClassNotAllowedException(in.refused());
      }
      if (in != null && in.exceeded() != null) {
        throw in.exceeded();
      }
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Class not found: " + e.getMessage(), e);
    }
  }
}
