package io.jadugar.extensions.dependency;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.sql.DataSource;

/**
 * What the dependencies of one {@link Dependencies} share in this JVM: the check interval, the
 * registered data sources, one watch per file and per query with its parameters, and the markers.
 */
final class Sources {

  private final String cacheName;
  private final long intervalNanos;
  private final Markers markers;
  private final Map<String, DataSource> dataSources = new ConcurrentHashMap<>();
  private final ConcurrentMap<Path, FileWatch> files = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, QueryWatch> queries = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, SourceDependency> decoded = new ConcurrentHashMap<>();
  private static final int DECODED = 4096;

  Sources(String cacheName, long intervalNanos, Markers markers) {
    this.cacheName = cacheName;
    this.intervalNanos = intervalNanos;
    this.markers = markers;
  }

  Markers markers() {
    return markers;
  }

  void register(String name, DataSource dataSource) {
    dataSources.put(name, dataSource);
  }

  FileWatch file(Path path) {
    return files.computeIfAbsent(path, p -> new FileWatch(p, intervalNanos));
  }

  /** The dependency {@code metadata} describes; the last few thousand are kept, as each read of an entry decodes one. */
  SourceDependency decode(String metadata) {
    SourceDependency d = decoded.get(metadata);
    if (d == null) {
      if (decoded.size() >= DECODED) {
        decoded.clear(); // crude but bounded: a working set larger than this decodes again
      }
      d = MetadataFormat.decode(this, metadata);
      decoded.put(metadata, d);
    }
    return d;
  }

  /** The shared watch of {@code query} with {@code params}, whose marker key is {@code key}. */
  QueryWatch query(String key, String dataSource, String query, List<Object> params) {
    return queries.computeIfAbsent(key, k -> {
      DataSource ds = dataSources.get(dataSource);
      if (ds == null) {
        // not remembered: registering it later makes the entries checkable again
        throw new IllegalStateException("No DataSource named '" + dataSource + "' is registered with the "
            + "dependencies of cache " + cacheName + " in this JVM: Dependencies.register(\"" + dataSource
            + "\", dataSource)");
      }
      return new QueryWatch(dataSource, ds, query, params, intervalNanos);
    });
  }
}
