package io.jadugar.jcache.store;

import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.StoreClient;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;

/**
 * Opens a store's client that is built on an optional library: the library is looked for first, so
 * that a user who picked the store without it is told which Maven dependency to add, and the client
 * class is loaded by name, so that nothing in the store's factory makes the JVM load the library.
 */
public final class OptionalClients {

  private OptionalClients() {}

  /**
   * A new {@code clientClass(URI, Settings)} of {@code factory}'s package, for store {@code store},
   * if {@code libraryClass} of {@code library} can be loaded; else a {@link ConfigurationException}
   * naming {@code dependency}.
   */
  public static StoreClient open(Class<?> factory, String clientClass, String store, String library,
      String libraryClass, String dependency, URI uri, Settings settings) {
    ClassLoader loader = factory.getClassLoader();
    try {
      Class.forName(libraryClass, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new ConfigurationException("The " + store + " store needs " + library
          + " on the class path: add the Maven dependency " + dependency);
    }
    try {
      Constructor<?> open = Class.forName(factory.getPackageName() + "." + clientClass, true, loader)
          .getDeclaredConstructor(URI.class, Settings.class);
      open.setAccessible(true); // the store's package keeps its client to itself
      return (StoreClient) open.newInstance(uri, settings);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot create the " + store + " store's client", e);
    }
  }
}
