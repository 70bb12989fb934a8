package io.jadugar.extensions.dependency;

import java.nio.file.Path;
import java.util.List;

/**
 * A dependency on a file: its modification time, size and content hash when the dependency was made.
 * A changed, replaced or deleted file (or one that appeared, if there was none) makes it invalid.
 */
public final class FileDependency extends SourceDependency {

  private final Path path;
  private final FileIdentity identity;

  FileDependency(Sources sources, String token, Path path, FileIdentity identity) {
    super(sources, token, markerKey(path));
    this.path = path;
    this.identity = identity;
  }

  /** The file, as an absolute normalised path. */
  public Path path() {
    return path;
  }

  @Override
  String kind() {
    return "file";
  }

  @Override
  List<String> fields() {
    return List.of(path.toString(), Long.toString(identity.modified()), Long.toString(identity.size()),
        identity.sha256());
  }

  static FileDependency parse(Sources sources, String token, List<String> f) {
    MetadataFormat.expect("file", f, 4);
    return new FileDependency(sources, token, Path.of(f.get(0)),
        new FileIdentity(Long.parseLong(f.get(1)), Long.parseLong(f.get(2)), f.get(3)));
  }

  /** The key of the file's invalidation marker. */
  static String markerKey(Path path) {
    return "file:" + Hashes.of(List.of(path.toString()));
  }

  @Override
  boolean unchanged() {
    return sources.file(path).matches(identity);
  }

  @Override
  public String toString() {
    return "FileDependency[" + path + ", " + identity + "]";
  }
}
