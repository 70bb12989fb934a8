package io.jadugar.extensions.dependency;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;

/**
 * What a file is at one moment: its modification time, size and SHA-256 of its content; {@link #MISSING} when there is none.
 *
 * @param modified modification time in epoch milliseconds, -1 when missing
 * @param size size in bytes, -1 when missing
 * @param sha256 hex SHA-256 of the content, empty when missing
 */
record FileIdentity(long modified, long size, String sha256) {

  /** No file at the path. */
  static final FileIdentity MISSING = new FileIdentity(-1, -1, "");

  /** Whether {@code other} has the same modification time and size (the cheap check). */
  boolean sameStat(FileIdentity other) {
    return modified == other.modified && size == other.size;
  }

  /** Modification time and size of {@code path} without its hash (a stat): {@link #MISSING} if there is no file. */
  static FileIdentity stat(Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new FileIdentity(a.lastModifiedTime().toMillis(), a.size(), "");
    } catch (NoSuchFileException e) {
      return MISSING;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the attributes of " + path, e);
    }
  }

  /** The full identity of {@code path}, content hash included: {@link #MISSING} if there is no file. */
  static FileIdentity read(Path path) {
    FileIdentity before = stat(path);
    if (before == MISSING) {
      return MISSING;
    }
    MessageDigest md = Hashes.sha256();
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(path)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
    } catch (NoSuchFileException e) {
      return MISSING;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " to hash it", e);
    }
    FileIdentity after = stat(path);
    if (!after.sameStat(before)) {
      return read(path); // it changed while we read it: the hash may mix two versions
    }
    return new FileIdentity(before.modified, before.size, Hashes.hex(md.digest()));
  }
}
