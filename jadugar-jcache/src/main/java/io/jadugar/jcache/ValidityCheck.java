package io.jadugar.jcache;

import io.jadugar.jcache.spi.EntryMetadata;

/**
 * Decides whether a stored entry that carries metadata is still valid, on every read of every
 * operation (standard and vendor). An entry it declares invalid is treated exactly like an expired
 * one: a miss, dropped from the store, reported to {@code EXPIRED} listeners. Entries without
 * metadata are never asked about. It runs on the reading thread: keep it fast and let it not throw.
 */
@FunctionalInterface
public interface ValidityCheck {

  /** Whether the entry that carries {@code metadata} is still valid. */
  boolean isValid(EntryMetadata metadata);
}
