package io.jadugar.jcache.configuration;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its name, what values it allows, its default and how to parse it.
 *
 * @param <T> the type of the parsed value
 */
public final class Setting<T> {

  /** The duration {@code eternal} parses to: longer than any cache lives. */
  public static final Duration ETERNAL = Duration.ofSeconds(Long.MAX_VALUE);

  private final String key;
  private final String allowed;
  private final T defaultValue;
  private final Function<String, T> parser;

  private Setting(String key, String allowed, T defaultValue, Function<String, T> parser) {
    this.key = Objects.requireNonNull(key);
    this.allowed = allowed;
    this.defaultValue = defaultValue;
    this.parser = parser;
  }

  /** A free-form text setting. */
  public static Setting<String> text(String key, String defaultValue) {
    return new Setting<>(key, "any text", defaultValue, s -> s);
  }

  /** A setting that takes one of {@code choices} (case-insensitive). */
  public static Setting<String> choice(String key, String defaultValue, java.util.Set<String> choices) {
    return new Setting<>(key, "one of " + new java.util.TreeSet<>(choices), defaultValue, s -> {
      String v = s.trim().toLowerCase(Locale.ROOT);
      if (!choices.contains(v)) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  /** A whole number of at least {@code min}; {@code null} default means unset. */
  public static Setting<Long> number(String key, Long defaultValue, long min) {
    return new Setting<>(key, "a whole number >= " + min, defaultValue, s -> {
      long v = Long.parseLong(s.trim().replace("_", ""));
      if (v < min) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  /**
   * A duration such as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, an
   * ISO-8601 duration such as {@code PT30S}, or {@code eternal}; {@code null} default means unset.
   */
  public static Setting<Duration> duration(String key) {
    return new Setting<>(key,
        "a duration like 250ms, 30s, 5m, 2h, 1d, PT30S, or 'eternal'", null, Setting::parseDuration);
  }

  /** A class name, loaded later with the cache's class loader; {@code null} default means unset. */
  public static Setting<String> className(String key) {
    return new Setting<>(key, "a fully qualified class name", null, s -> {
      String v = s.trim();
      if (v.isEmpty() || !v.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
        throw new IllegalArgumentException();
      }
      return v;
    });
  }

  static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("eternal")) {
      return ETERNAL;
    }
    if (s.startsWith("p")) {
      try {
        return requireNonNegative(Duration.parse(s.toUpperCase(Locale.ROOT)));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(e);
      }
    }
    int split = 0;
    while (split < s.length() && Character.isDigit(s.charAt(split))) {
      split++;
    }
    if (split == 0) {
      throw new IllegalArgumentException();
    }
    long amount = Long.parseLong(s.substring(0, split));
    switch (s.substring(split).trim()) {
      case "ms": return Duration.ofMillis(amount);
      case "s": return Duration.ofSeconds(amount);
      case "m": return Duration.ofMinutes(amount);
      case "h": return Duration.ofHours(amount);
      case "d": return Duration.ofDays(amount);
      default: throw new IllegalArgumentException();
    }
  }

  private static Duration requireNonNegative(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException();
    }
    return d;
  }

  /** The full key, such as {@code jadugar.store}. */
  public String key() {
    return key;
  }

  /** What values the key allows, for error messages and documentation. */
  public String allowed() {
    return allowed;
  }

  /** The value when the key is not given; may be {@code null}. */
  public T defaultValue() {
    return defaultValue;
  }

  /** Parses {@code text}, or fails with an error naming the key, the value and what is allowed. */
  public T parse(String text) {
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      throw new ConfigurationException("Bad value '" + text + "' for configuration key '" + key
          + "': expected " + allowed);
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
