package io.jadugar.jcache.copy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import javax.cache.CacheException;

/** Copies through Java serialization, resolving classes with the cache's class loader. */
public final class JavaSerializationCopier implements Copier {

  private final ClassLoader classLoader;

  /** A copier that loads classes through {@code classLoader}. */
  public JavaSerializationCopier(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  @Override
  public byte[] toBytes(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot store " + value.getClass().getName()
          + " by value: it is not serializable (" + e + ")", e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object fromBytes(byte[] bytes) {
    try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), classLoader)) {
      return in.readObject();
    } catch (ClassNotFoundException e) {
      throw new CacheException("Cannot copy a value: class not found: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resolves classes with a given loader first, falling back to the default resolution. */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
