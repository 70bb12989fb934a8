package io.jadugar.extensions.writeback;

import java.time.Duration;

/**
 * A write-back's state now: keys with a change the writer has not taken ({@code pending}, of which
 * {@code inFlight} in a batch being written), the age of the oldest such change, and counts since
 * this write-back started: failed attempts retried, changes dead-lettered, dead letters held now,
 * {@code writeAll} / {@code deleteAll} calls and the entries they carried.
 */
public record WriteBackStats(long pending, long inFlight, Duration oldestPendingAge, long retries,
    long deadLettered, long deadLetters, long writeAllCalls, long writeAllEntries, long deleteAllCalls,
    long deleteAllEntries) {

  /** The mean number of entries per {@code writeAll} call, 0 before the first. */
  public double entriesPerWriteAll() {
    return writeAllCalls == 0 ? 0 : (double) writeAllEntries / writeAllCalls;
  }
}
