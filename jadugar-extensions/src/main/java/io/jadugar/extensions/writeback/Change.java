package io.jadugar.extensions.writeback;

/**
 * One journaled change of a key as the journal hands it out: the encoded key, the encoded value or
 * {@code null} for a removal, the change's version (unique and increasing in its journal) and how
 * many times the writer already failed to take it.
 */
record Change(byte[] key, byte[] value, long version, int attempts) {

  /** Whether the change is a removal. */
  boolean isDelete() {
    return value == null;
  }
}
