package io.jadugar.extensions.dependency;

import java.util.List;
import java.util.Map;

/**
 * A dependency on one source (a file, a query): its state captured when made, and the source's
 * invalidation marker (a token in the companion cache) as it was then.
 */
abstract sealed class SourceDependency implements CacheDependency permits FileDependency, DatabaseDependency {

  final Sources sources;
  final String token;
  final String markerKey;

  SourceDependency(Sources sources, String token, String markerKey) {
    this.sources = sources;
    this.token = token;
    this.markerKey = markerKey;
  }

  /** The kind's name in the metadata: {@code file}, {@code query}. */
  abstract String kind();

  /** The fields that describe the source and its captured state, in the metadata's order. */
  abstract List<String> fields();

  /** Whether the source's state is the captured one (rate-limited and shared by the source's dependencies). */
  abstract boolean unchanged();

  @Override
  public boolean isValid() {
    return sources.markers().isCurrent(markerKey, token) && unchanged();
  }

  @Override
  public void invalidate() {
    sources.markers().invalidate(markerKey);
  }

  @Override
  public List<CacheDependency> sources() {
    return List.of(this);
  }

  @Override
  public Map<String, String> toMetadata() {
    return Map.of(MetadataFormat.name(0), MetadataFormat.encode(this));
  }
}
