package io.jadugar.extensions.dependency;

import java.nio.file.Path;

/**
 * The state of one file, shared by every dependency on it: a stat (modification time and size) on
 * every check, which catches most changes at once and costs microseconds; the content hash at most
 * once per interval, or at once when the stat no longer matches the hashed one.
 */
final class FileWatch {

  private final Path path;
  private final RateLimited<FileIdentity> hashed;

  FileWatch(Path path, long intervalNanos) {
    this.path = path;
    this.hashed = new RateLimited<>(intervalNanos, () -> FileIdentity.read(path));
  }

  /** The file's identity now (the hash at most an interval old, unless the stat changed since). */
  FileIdentity current() {
    FileIdentity stat = FileIdentity.stat(path);
    FileIdentity known = hashed.get();
    return known.sameStat(stat) ? known : hashed.refresh();
  }

  /** Whether the file is still {@code captured} (hashed again when that hash may be newer than ours). */
  boolean matches(FileIdentity captured) {
    FileIdentity stat = FileIdentity.stat(path);
    if (!captured.sameStat(stat)) {
      return false; // changed, replaced or deleted: no need to read it
    }
    if (!hashed.get().sameStat(stat)) {
      hashed.refresh();
    }
    return hashed.matches(captured);
  }
}
