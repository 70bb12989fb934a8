package io.jadugar.jcache;

import io.jadugar.jcache.codec.CodecSettings;
import io.jadugar.jcache.configuration.ConfigurationException;
import io.jadugar.jcache.configuration.CoreSettings;
import io.jadugar.jcache.configuration.Setting;
import io.jadugar.jcache.configuration.Settings;
import io.jadugar.jcache.spi.StoreFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jadugar's {@link CachingProvider}. Cache managers are kept per class loader and URI.
 *
 * <p>A cache manager's settings come, each overriding the one before, from {@code
 * jadugar.properties} on its class path, the properties file its URI names ({@code
 * classpath:name.properties} or {@code file:/path/name.properties}), the store its URI's scheme
 * names ({@code redis://host:port}), the {@link Properties} passed in, and last the JVM's
 * {@code jadugar.*} system properties.
 */
public final class JadugarCachingProvider implements CachingProvider {

  private static final Logger LOG = LoggerFactory.getLogger(JadugarCachingProvider.class);
  /** The unknown {@code jadugar.*} system properties warned about, so that each is warned about once. */
  private static final Set<String> IGNORED_PROPERTIES = ConcurrentHashMap.newKeySet();

  /** The URI of the default cache manager. */
  public static final URI DEFAULT_URI = URI.create("jadugar:default");

  /** The optional file on the class path that configures every cache manager. */
  public static final String DEFAULT_FILE = "jadugar.properties";

  private final Map<String, StoreFactory> factories = new TreeMap<>();
  private final Map<String, StoreFactory> schemes = new HashMap<>();
  private final List<Setting<?>> knownSettings = new ArrayList<>(CoreSettings.ALL);
  private final WeakHashMap<ClassLoader, Map<URI, JadugarCacheManager>> managers = new WeakHashMap<>();

  /** The provider, with every store found on its class path. */
  public JadugarCachingProvider() {
    knownSettings.addAll(CodecSettings.ALL);
    Iterator<StoreFactory> found =
        ServiceLoader.load(StoreFactory.class, JadugarCachingProvider.class.getClassLoader()).iterator();
    while (true) {
      StoreFactory f;
      try {
        if (!found.hasNext()) {
          break;
        }
        f = found.next();
      } catch (ServiceConfigurationError e) {
        // a store whose client library is missing must not take the other stores down with it
        LOG.warn("A Jadugar store could not be loaded and is not available: {}", e.getMessage());
        continue;
      }
      factories.put(f.name(), f);
      for (String scheme : f.uriSchemes()) {
        schemes.put(scheme.toLowerCase(Locale.ROOT), f);
      }
      knownSettings.addAll(f.settings());
    }
  }

  /** The store factory named {@code name}, or an error that lists the ones there are. */
  StoreFactory storeFactory(String name) {
    StoreFactory f = factories.get(name.trim().toLowerCase(Locale.ROOT));
    if (f == null) {
      throw new ConfigurationException("Bad value '" + name + "' for configuration key '"
          + CoreSettings.STORE.key() + "': expected one of " + factories.keySet()
          + " (a store not listed needs its Jadugar module on the class path)");
    }
    return f;
  }

  @Override
  public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties props = properties == null ? new Properties() : properties;
    Map<URI, JadugarCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
    JadugarCacheManager manager = byUri.get(managerUri);
    if (manager == null || manager.isClosed()) {
      manager = new JadugarCacheManager(this, managerUri, loader, props,
          resolveSettings(managerUri, loader, props));
      byUri.put(managerUri, manager);
    }
    return manager;
  }

  private Settings resolveSettings(URI uri, ClassLoader loader, Properties properties) {
    Map<String, String> raw = new TreeMap<>();
    try (InputStream in = loader.getResourceAsStream(DEFAULT_FILE)) {
      if (in != null) {
        raw.putAll(load(in));
      }
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read " + DEFAULT_FILE + " from the class path: " + e, e);
    }
    raw.putAll(fromUri(uri, loader));
    raw.putAll(Settings.namespaced(properties));
    raw.putAll(systemSettings());
    Settings settings = Settings.of(knownSettings, raw);
    storeFactory(settings.get(CoreSettings.STORE));
    return settings;
  }

  /**
   * The known {@code jadugar.*} JVM system properties. An unknown one is warned about once, not an
   * error: system properties are shared with everything else in the JVM ({@code mvn
   * -Djadugar.version=0.2.0 test} hands a build's property to the test JVM).
   */
  private Map<String, String> systemSettings() {
    Map<String, String> out = Settings.namespaced(System.getProperties());
    Set<String> known = new TreeSet<>();
    knownSettings.forEach(s -> known.add(s.key()));
    out.keySet().removeIf(key -> {
      if (known.contains(key)) {
        return false;
      }
      if (IGNORED_PROPERTIES.add(key)) {
        LOG.warn("Ignoring JVM system property '{}': not a Jadugar configuration key; allowed keys: {}",
            key, String.join(", ", known));
      }
      return true;
    });
    return out;
  }

  private Map<String, String> fromUri(URI uri, ClassLoader loader) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    StoreFactory byScheme = schemes.get(scheme);
    if (byScheme != null) {
      return Map.of(CoreSettings.STORE.key(), byScheme.name());
    }
    String part = uri.getSchemeSpecificPart();
    if (part == null || !part.endsWith(".properties")) {
      return Map.of();
    }
    try {
      if (scheme.equals("classpath")) {
        try (InputStream in = loader.getResourceAsStream(part.startsWith("/") ? part.substring(1) : part)) {
          if (in == null) {
            throw new ConfigurationException("Configuration file " + uri + " is not on the class path");
          }
          return load(in);
        }
      }
      if (scheme.equals("file")) {
        try (InputStream in = Files.newInputStream(Path.of(uri))) {
          return load(in);
        }
      }
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("Configuration file " + uri + " does not exist", e);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read configuration file " + uri + ": " + e, e);
    }
    return Map.of();
  }

  private static Map<String, String> load(InputStream in) throws IOException {
    Properties p = new Properties();
    p.load(in);
    Map<String, String> out = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      out.put(name, p.getProperty(name));
    }
    return out;
  }

  /** Forgets a cache manager that closed itself. */
  synchronized void release(JadugarCacheManager manager) {
    Map<URI, JadugarCacheManager> byUri = managers.get(manager.getClassLoader());
    if (byUri != null && byUri.get(manager.getURI()) == manager) {
      byUri.remove(manager.getURI());
      if (byUri.isEmpty()) {
        managers.remove(manager.getClassLoader());
      }
    }
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    return getClass().getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public void close() {
    List<JadugarCacheManager> all = new ArrayList<>();
    synchronized (this) {
      managers.values().forEach(m -> all.addAll(m.values()));
    }
    all.forEach(JadugarCacheManager::close);
  }

  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    List<JadugarCacheManager> all;
    synchronized (this) {
      Map<URI, JadugarCacheManager> byUri = managers.get(loader);
      all = byUri == null ? List.of() : new ArrayList<>(byUri.values());
    }
    all.forEach(JadugarCacheManager::close);
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    JadugarCacheManager manager;
    synchronized (this) {
      Map<URI, JadugarCacheManager> byUri = managers.get(loader);
      manager = byUri == null ? null : byUri.get(managerUri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  /**
   * Store-by-reference is supported when the default store keeps objects (the memory store); a
   * store that holds serialized bytes can only ever hand back copies.
   */
  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    if (optionalFeature != OptionalFeature.STORE_BY_REFERENCE) {
      return false;
    }
    try {
      Settings defaults = resolveSettings(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
      return storeFactory(defaults.get(CoreSettings.STORE)).representation()
          == StoreFactory.Representation.OBJECTS;
    } catch (ConfigurationException e) {
      return false; // a configuration error surfaces when a cache manager is made
    }
  }
}
