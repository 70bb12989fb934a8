package io.jadugar.extensions.writeback;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a write-back keeps the changes its writer has not taken: a local file ({@link #file}) or
 * Redis ({@link RedisJournal#on}).
 */
public abstract class WriteBackJournal {

  WriteBackJournal() {}

  /** Opens the journal, replaying what it holds. */
  abstract Journal open(WriteBack.Builder<?, ?> settings) throws IOException;

  /** What the journal is, for messages. */
  abstract String describe();

  /**
   * A local append-only file, for this JVM only (a second process opening it is refused): each
   * accepted change is synced to disk before the cache's write returns.
   */
  public static WriteBackJournal file(Path path) {
    Objects.requireNonNull(path, "path");
    return new WriteBackJournal() {
      @Override
      Journal open(WriteBack.Builder<?, ?> settings) throws IOException {
        return FileJournal.open(path, settings.compactBytes());
      }

      @Override
      String describe() {
        return path.toString();
      }
    };
  }
}
