package io.jadugar.extensions.dependency;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Several dependencies as one: invalid as soon as any part is; invalidating it invalidates every part. */
public final class CompositeDependency implements CacheDependency {

  private final List<CacheDependency> sources;

  private CompositeDependency(List<CacheDependency> sources) {
    this.sources = Collections.unmodifiableList(sources);
  }

  /** The dependency on all of {@code parts} (composites among them are flattened into their sources). */
  public static CompositeDependency of(CacheDependency... parts) {
    return of(List.of(parts));
  }

  /** The dependency on all of {@code parts} (composites among them are flattened into their sources). */
  public static CompositeDependency of(List<? extends CacheDependency> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("A CompositeDependency needs at least one part");
    }
    List<CacheDependency> flat = new ArrayList<>();
    parts.forEach(p -> flat.addAll(p.sources()));
    return new CompositeDependency(flat);
  }

  @Override
  public boolean isValid() {
    for (CacheDependency d : sources) {
      if (!d.isValid()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void invalidate() {
    sources.forEach(CacheDependency::invalidate);
  }

  @Override
  public List<CacheDependency> sources() {
    return sources;
  }

  @Override
  public Map<String, String> toMetadata() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < sources.size(); i++) {
      m.put(MetadataFormat.name(i), MetadataFormat.encode((SourceDependency) sources.get(i)));
    }
    return m;
  }

  @Override
  public String toString() {
    return "CompositeDependency" + sources;
  }
}
