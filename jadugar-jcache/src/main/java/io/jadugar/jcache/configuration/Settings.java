package io.jadugar.jcache.configuration;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A validated, immutable set of {@code jadugar.*} configuration values.
 *
 * <p>Keys outside the {@code jadugar.} namespace belong to somebody else (a framework passing its
 * own properties) and are ignored; a {@code jadugar.} key that no {@link Setting} declares is an
 * error that names the key and every allowed one.
 */
public final class Settings {

  /** The namespace of Jadugar's keys, in properties, files and JVM system properties alike. */
  public static final String PREFIX = "jadugar.";

  private final Map<String, Setting<?>> known;
  private final Map<String, String> raw;
  private final Map<String, Object> parsed;

  private Settings(Map<String, Setting<?>> known, Map<String, String> raw) {
    this.known = known;
    this.raw = Collections.unmodifiableMap(raw);
    Map<String, Object> values = new LinkedHashMap<>();
    raw.forEach((key, text) -> {
      Setting<?> setting = known.get(key);
      if (setting == null) {
        throw new ConfigurationException("Unknown configuration key '" + key + "'; allowed keys: "
            + String.join(", ", new TreeSet<>(known.keySet())));
      }
      values.put(key, setting.parse(text));
    });
    this.parsed = values;
  }

  /** Validates the {@code jadugar.*} entries of {@code values} against {@code known}. */
  public static Settings of(Collection<Setting<?>> known, Map<String, String> values) {
    Map<String, Setting<?>> byKey = new TreeMap<>();
    for (Setting<?> s : known) {
      byKey.put(s.key(), s);
    }
    Map<String, String> ours = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        ours.put(k, v);
      }
    });
    return new Settings(byKey, ours);
  }

  /** The {@code jadugar.*} string entries of {@code properties}. */
  public static Map<String, String> namespaced(Properties properties) {
    Map<String, String> out = new TreeMap<>();
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith(PREFIX)) {
        out.put(name, properties.getProperty(name));
      }
    }
    return out;
  }

  /** These settings with {@code overrides} laid on top, validated again. */
  public Settings with(Map<String, String> overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    Map<String, String> merged = new TreeMap<>(raw);
    overrides.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) {
        merged.put(k, v);
      }
    });
    return new Settings(known, merged);
  }

  /** The value of {@code setting}, or its default when not given. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    Object v = parsed.get(setting.key());
    return v == null ? setting.defaultValue() : (T) v;
  }

  /** Whether {@code setting} was given explicitly. */
  public boolean isSet(Setting<?> setting) {
    return parsed.containsKey(setting.key());
  }

  /** The given keys and their text values. */
  public Map<String, String> asMap() {
    return raw;
  }

  @Override
  public String toString() {
    return raw.toString();
  }
}
