package io.jadugar.jcache.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;

/**
 * Java serialization, guarded by an {@link ObjectInputFilter} that asks the allow-list about every
 * class in the stream before it is loaded.
 */
public final class JavaSerializer implements Serializer {

  /** Frame id of Java serialization. */
  public static final byte ID = 2;

  private final ClassLoader classLoader;
  private final ClassAllowList allowList;

  /** A serializer over {@code classLoader}; {@code allowList} {@code null} allows all. */
  public JavaSerializer(ClassLoader classLoader, ClassAllowList allowList) {
    this.classLoader = classLoader;
    this.allowList = allowList;
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
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot serialize a " + value.getClass().getName()
          + " with Java serialization: " + e, e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object deserialize(byte[] bytes, int offset, int length) {
    String[] refused = new String[1];
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes, offset, length)) {
      @Override
      protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        try {
          return Class.forName(desc.getName(), false, classLoader);
        } catch (ClassNotFoundException e) {
          return super.resolveClass(desc);
        }
      }
    }) {
      if (allowList != null) {
        in.setObjectInputFilter(info -> {
          Class<?> c = info.serialClass();
          if (c == null || allowList.allows(c.getName())) {
            return ObjectInputFilter.Status.UNDECIDED;
          }
          refused[0] = c.getName();
          return ObjectInputFilter.Status.REJECTED;
        });
      }
      return in.readObject();
    } catch (InvalidClassException e) {
      if (refused[0] != null) {
        throw new ClassNotAllowedException(refused[0]);
      }
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Class not found: " + e.getMessage(), e);
    }
  }
}
