package io.jadugar.extensions.dependency;

import java.util.List;
import java.util.Map;

/**
 * Something an entry depends on: while it is valid the entry is, and once it is not (its source
 * changed, or somebody called {@link #invalidate()}) every entry written with it is a miss, in every
 * JVM that reads it through a cache with {@link Dependencies} installed. Made by {@link Dependencies}
 * ({@link Dependencies#file}, {@link Dependencies#query}, {@link Dependencies#allOf}), which captures
 * the source's state when the dependency is made: make it before reading what the value is built from.
 */
public sealed interface CacheDependency permits SourceDependency, CompositeDependency {

  /** Whether the sources are as they were when this dependency was made, and nobody invalidated them. */
  boolean isValid();

  /**
   * Makes this dependency invalid for good: every entry written with it, or with another dependency on
   * the same source made before this call, becomes a miss in every JVM (in others within the check
   * interval). Entries written with a dependency made afterwards are valid again.
   */
  void invalidate();

  /** The single sources this dependency is made of: itself for a file or a query. */
  List<CacheDependency> sources();

  /** The entry metadata that carries this dependency inside an entry. */
  Map<String, String> toMetadata();
}
