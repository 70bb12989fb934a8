package io.jadugar.jcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Loads this project's classes itself and refuses the packages it hides, as a class path without
 * an optional library would: proves that a store factory loads without its client.
 */
public final class HidingClassLoader extends ClassLoader {

  private final List<String> hidden;

  /** A loader over {@code parent} that hides every class whose name starts with one of {@code hidden}. */
  public HidingClassLoader(ClassLoader parent, String... hidden) {
    super(parent);
    this.hidden = List.of(hidden);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    for (String prefix : hidden) {
      if (name.startsWith(prefix)) {
        throw new ClassNotFoundException(name);
      }
    }
    if (!name.startsWith("io.jadugar.")) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
          if (in == null) {
            throw new ClassNotFoundException(name);
          }
          byte[] b = in.readAllBytes();
          c = defineClass(name, b, 0, b.length);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
      return c;
    }
  }
}
