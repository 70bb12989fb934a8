package io.jadugar.extensions.dependency;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How a dependency rides in an entry's metadata: one value per source, named {@code jadugar.dep.<i>},
 * holding the kind, the marker token and the kind's fields, each URL-encoded (so never a space) and
 * joined by spaces. Everything a reading JVM needs to rebuild the dependency is in it, except the
 * {@code DataSource} object, which it finds by name.
 */
final class MetadataFormat {

  /** The prefix of the metadata names that carry dependencies. */
  static final String PREFIX = "jadugar.dep.";

  private MetadataFormat() {}

  static String name(int index) {
    return PREFIX + index;
  }

  static String encode(SourceDependency d) {
    StringBuilder b = new StringBuilder(d.kind()).append(' ').append(enc(d.token));
    for (String f : d.fields()) {
      b.append(' ').append(enc(f));
    }
    return b.toString();
  }

  /** The dependency that {@code value} describes, bound to {@code sources}; throws if it does not parse. */
  static SourceDependency decode(Sources sources, String value) {
    String[] parts = value.split(" ", -1);
    if (parts.length < 2) {
      throw new IllegalArgumentException("dependency metadata '" + value + "' has no marker token");
    }
    List<String> fields = new ArrayList<>(parts.length - 2);
    for (int i = 2; i < parts.length; i++) {
      fields.add(URLDecoder.decode(parts[i], StandardCharsets.UTF_8));
    }
    String token = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
    return switch (parts[0]) {
      case "file" -> FileDependency.parse(sources, token, fields);
      case "query" -> DatabaseDependency.parse(sources, token, fields);
      default -> throw new IllegalArgumentException("unknown dependency kind '" + parts[0] + "' in entry metadata");
    };
  }

  static void expect(String kind, List<String> fields, int atLeast) {
    if (fields.size() < atLeast) {
      throw new IllegalArgumentException("a " + kind + " dependency needs " + atLeast + " fields in entry metadata, not "
          + fields.size());
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
